"""derivcore: the engine behind the derivatives dashboard. Pure Python; never imports streamlit."""
