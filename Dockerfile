# syntax=docker/dockerfile:1
# LinkPilot on Debian slim, for linux/amd64 and linux/arm64 (a Raspberry Pi 4 on a 64-bit OS).
#   docker buildx build --platform linux/amd64,linux/arm64 -t linkpilot .
#   ... --build-arg LINKPILOT_EXTRAS=postgresql    with PostgreSQL's driver (docs/postgresql.md)
# Everything installed here exists on both architectures and is used by something the image
# runs. CI builds this file as it is and runs the result (scripts/image-build, image-smoke).
FROM python:3.11-slim-bookworm

ENV LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    LINKPILOT_HOME=/data \
    LINKPILOT_CHROMIUM=/usr/bin/chromium

# Who needs each package:
#   chromium    the browser the engine drives (Debian's own: Playwright's download is never used)
#   libatomic1  Playwright's Node.js (playwright/driver/node, which runs every browser session)
#               links it; slim bases do not ship it, and without it no campaign can start
#   tini        PID 1: reaps tmux's server and passes SIGTERM on to linkpilot-tmux
#   tmux        keeps the console and its engine running between SSH visits (linkpilot-tmux)
#   sqlite3     checks a restored backup (docs/deploy.md, "Restore")
#   dbus-x11    Chromium's GTK needs dconf, which needs a session bus: this one is the small
#               choice; apt's default (dbus-user-session) would bring systemd, which nothing runs
# Files that headless Chromium never opens are not unpacked (dpkg's path-exclude, as the slim
# base does for documentation): GTK's icon images (nothing draws GTK; the theme's index stays
# for its package's scripts), Vulkan's validation layer (a debugging aid), and Mesa's GPU
# drivers with the LLVM and Z3 only they load (there is no GPU; Chromium draws with its own
# SwiftShader). The smoke test (scripts/image-smoke) runs a campaign in the image and checks
# that no program or library in it misses a shared library.
# Versions are not pinned: Debian's security updates replace the pinned ones and the build
# would break; the base image tag (bookworm) is what fixes the release.
# hadolint ignore=DL3008
RUN printf 'path-exclude %s\n' '/usr/share/icons/Adwaita/*/*' /usr/lib/chromium/libVkLayer_khronos_validation.so \
      '/usr/lib/*/dri/*' '/usr/lib/*/libLLVM-*' '/usr/lib/*/libz3.so*' >/etc/dpkg/dpkg.cfg.d/linkpilot-headless \
 && apt-get update \
 && apt-get install -y --no-install-recommends chromium dbus-x11 libatomic1 sqlite3 tini tmux \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1000 linkpilot \
 && useradd --uid 1000 --gid 1000 --create-home --shell /bin/bash linkpilot \
 && install -d -o 1000 -g 1000 -m 0700 /data

# LinkPilot's optional extras to add, comma-separated: "postgresql" for PostgreSQL's driver.
ARG LINKPILOT_EXTRAS=""
# Where pip looks: PyPI unless these are given (CI passes its own machine's pip settings).
ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
ARG PIP_FIND_LINKS
ARG PIP_CERT

# Dependencies first, from pyproject.toml alone: a change to the source reuses this layer.
# Copied rather than bind-mounted: podman's build cache does not look into bind mounts and
# would keep a stale layer after a change, while every builder compares a COPY by content.
COPY pyproject.toml /tmp/linkpilot/
RUN python -c "import sys, tomllib; p = tomllib.load(open('/tmp/linkpilot/pyproject.toml', 'rb'))['project']; print(*p['dependencies'], *(r for e in sys.argv[1].split(',') if e for r in p['optional-dependencies'][e]), sep='\n')" \
      "$LINKPILOT_EXTRAS" > /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# The package itself (its source, 1.5 MB, stays behind in the COPY layers).
COPY README.md /tmp/linkpilot/
COPY src/ /tmp/linkpilot/src/
RUN pip install --no-cache-dir --no-deps /tmp/linkpilot \
 && rm -rf /tmp/linkpilot

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
