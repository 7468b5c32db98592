# The dashboard for a class: one container is one Streamlit server (one process, every student's
# session a thread in it). Build: docker build -t derivatives .   Run: docker run -p 8501:8501 derivatives
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # A hosted app's files do not change under it: no file watcher (a polling one costs CPU).
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

# Runs as an ordinary user: a hole in the app is not root in the container.
RUN useradd --create-home --uid 10001 app
WORKDIR /home/app/dashboard

# Dependencies first, so editing the app does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=app:app . .
USER app

EXPOSE 8501

# curl is not in the slim image; Python is. /_stcore/health answers "ok" once the server is up.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"

CMD ["streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
