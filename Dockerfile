# The timeline served over the bundled seed articles, on port 8000 of the container.
#   docker build -t news-timeline . && docker run -p 8000:8000 news-timeline
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TIMELINE_DB=sqlite:////data/timeline.db

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY seeds ./seeds

# The code stays root-owned and read-only to the server; only /data, where the
# database lives, belongs to the unprivileged user. Its bytecode is compiled here, once:
# the server could not write it, and compiling the pipeline anew cost every `timeline`
# command 0.19 s of start-up.
RUN pip install -e . \
 && python -m compileall -q app migrations \
 && groupadd --system --gid 10001 timeline \
 && useradd --system --uid 10001 --gid timeline --home-dir /data --create-home --shell /usr/sbin/nologin timeline

USER timeline
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/events', timeout=4)"]
# Inside a container the port is only reachable through its mapping, so bind all interfaces.
CMD ["timeline", "serve", "--host", "0.0.0.0", "--port", "8000", "--ingest", "seeds"]
