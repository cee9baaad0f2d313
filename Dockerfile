# The same steps as the README: `make install`, then `wegovnow serve`.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends make nodejs npm \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN make install

ENV WEGOVNOW_DATA_DIR=/data \
    WEGOVNOW_HOST=0.0.0.0
VOLUME /data
EXPOSE 8000
CMD [".venv/bin/wegovnow", "serve"]
