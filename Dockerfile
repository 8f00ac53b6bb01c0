# syntax=docker/dockerfile:1
# LinkPilot on Debian slim, for linux/amd64 and linux/arm64 (a Raspberry Pi 4 on a 64-bit OS).
#   docker buildx build --platform linux/amd64,linux/arm64 -t linkpilot .
# Everything installed here exists on both architectures: Debian's own Chromium is the browser
# (Playwright's browser download is never used), tmux keeps the console alive between SSH visits.
FROM python:3.11-slim-bookworm

ENV LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    LINKPILOT_HOME=/data \
    LINKPILOT_CHROMIUM=/usr/bin/chromium

# Versions are not pinned: Debian's security updates replace the pinned ones and the build
# would break; the base image tag (bookworm) is what fixes the release.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium sqlite3 tini tmux \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1000 linkpilot \
 && useradd --uid 1000 --gid 1000 --create-home --shell /bin/bash linkpilot \
 && install -d -o 1000 -g 1000 -m 0700 /data

# Dependencies first, from pyproject.toml alone: a change to the source reuses this layer.
RUN --mount=type=bind,source=pyproject.toml,target=/tmp/pyproject.toml \
    python -c "import tomllib; print(*tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" \
      > /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# The package itself, built from a read-write bind of the context so no source layer is kept.
RUN --mount=type=bind,source=.,target=/tmp/linkpilot,rw \
    pip install --no-cache-dir --no-deps /tmp/linkpilot

COPY --chmod=0755 deploy/linkpilot-tmux deploy/linkpilot-backup /usr/local/bin/
COPY --chmod=0644 deploy/chromium-no-sandbox /etc/chromium.d/linkpilot-no-sandbox

USER 1000:1000
WORKDIR /data
VOLUME ["/data"]

# The sidecar listens on 127.0.0.1 inside the container; the probe runs there too.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["linkpilot", "health"]

# tini is PID 1: it reaps the tmux server and forwards SIGTERM to the wrapper, which stops the
# console cleanly. `linkpilot serve` is the headless alternative (docker run ... linkpilot serve).
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["linkpilot-tmux"]
