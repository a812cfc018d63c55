# The api / scheduler / loader image used by compose.yaml.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY eclaire_core ./eclaire_core
COPY eclaire_search ./eclaire_search
COPY ingest ./ingest
# A plain install: the package data (index template, portal, gazetteer) travels with the code.
RUN pip install . && useradd --system --uid 10001 eclaire && mkdir /data && chown eclaire /data
USER eclaire
EXPOSE 8080
CMD ["eclaire", "serve", "--host", "0.0.0.0", "--port", "8080"]
