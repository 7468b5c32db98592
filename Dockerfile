# The dashboard for a class: one container is one Streamlit server (one process, every student's
# session a thread in it).
#   docker build -t derivatives .
#   docker run -p 8501:8501 derivatives
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
# A hosted app's files do not change under it: no file watcher (it costs CPU, and an edit would
# make Streamlit re-import derivcore and start a second worker pool).
ENV STREAMLIT_SERVER_FILE_WATCHER_TYPE=none
# SymPy worker processes (derivcore.bounded). With the default 2, three students typing expensive
# functions hold both and everyone else's new functions queue behind them; 4 kept the others'
# p95 within 2x of normal on 2 cores (README, "Host it for your class").
ENV DERIV_WORKERS=4

# Runs as an ordinary user: a hole in the app is not root in the container.
RUN useradd --create-home --uid 10001 app
WORKDIR /home/app/dashboard

# Dependencies first, so editing the app does not reinstall them. requirements.txt pins every
# version (generated from requirements.in by scripts/lock_requirements.sh): a rebuild next term
# installs what the tests passed with, not whatever was released since.
COPY requirements.txt .
RUN pip install -r requirements.txt

# The code stays owned by root: the app only reads it.
COPY . .
USER app

EXPOSE 8501

# curl is not in the slim image; Python is. /_stcore/health answers "ok" once the server is up.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"

# serve.py runs app.py with the imports done and the SymPy workers started before the health check
# answers, so the first student after a restart does not wait for them.
CMD ["streamlit", "run", "serve.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
