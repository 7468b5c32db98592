"""Streamlit-side helpers shared by the frame and the pages: the sidebar, caches, messages."""
