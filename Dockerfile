# The same steps as the README: `make install`, then `wegovnow serve`.
# Node 20 from its official image; Debian bookworm's python3 is 3.11.
FROM node:20-bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends make python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN make install

ENV WEGOVNOW_DATA_DIR=/data \
    WEGOVNOW_HOST=0.0.0.0
VOLUME /data
EXPOSE 8000
CMD [".venv/bin/wegovnow", "serve"]
