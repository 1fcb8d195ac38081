# staticapi: serve a must-gather as a read-only Kubernetes API.
#
#   docker build -t staticapi .
#   docker run --rm -p 8080:8080 -e STATICAPI_TOKEN=secret staticapi                  # demo must-gather
#   docker run --rm -p 8080:8080 -e STATICAPI_TOKEN=secret staticapi https://.../must-gather.tar
#   docker run --rm -p 8080:8080 -e STATICAPI_TOKEN=secret \
#       -e STATICAPI_SOURCE=https://.../must-gather.tar staticapi
#
# Binding 0.0.0.0 needs a token (STATICAPI_TOKEN) or STATICAPI_INSECURE_NO_AUTH=1;
# without either the container exits at once with a one-line reason.
# deploy/ holds Kubernetes manifests for the same image; tests/test_deploy.py
# checks this file against pyproject.toml, the CLI and those manifests.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# Install the project itself: its runtime dependencies come from
# pyproject.toml [project].dependencies, so there is no second list to drift.
# README.md is needed because pyproject.toml names it as the readme. setup.py
# copies the demo must-gather (served when no SOURCE is given) from
# fixtures/must-gather into the package as staticapi/data/demo/must-gather.
WORKDIR /build
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY src/ ./src/
COPY fixtures/must-gather/ ./fixtures/must-gather/
RUN pip install --no-cache-dir . \
    && cd / && rm -rf /build
WORKDIR /

# Numeric non-root user (so runAsNonRoot can verify it). The cache dir is
# group 0 writable too, for platforms that run the image with an arbitrary
# UID in group 0 (OpenShift's restricted SCC).
RUN groupadd --system --gid 10001 staticapi \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin staticapi \
    && mkdir -p /var/cache/staticapi \
    && chown 10001:0 /var/cache/staticapi \
    && chmod 0775 /var/cache/staticapi

ENV STATICAPI_CACHE_DIR=/var/cache/staticapi \
    HOME=/var/cache/staticapi

# Downloads, unpacked archives, index caches and the kubeconfig go here.
VOLUME ["/var/cache/staticapi"]
WORKDIR /var/cache/staticapi
USER 10001

EXPOSE 8080

# /readyz answers 200 once every must-gather is indexed (503 before); it needs
# no token. urlopen raises on any non-2xx answer, so the exit code is 1 then.
# slim images have no curl: use the interpreter that is already there.
HEALTHCHECK --interval=15s --timeout=5s --start-period=300s --retries=3 \
    CMD ["python", "-c", "import os, ssl, urllib.request; s = 'https' if os.environ.get('STATICAPI_TOKEN') else 'http'; urllib.request.urlopen(s + '://127.0.0.1:8080/readyz', timeout=4, context=ssl._create_unverified_context())"]

# SOURCE is an argument (docker run IMAGE SOURCE ...) or $STATICAPI_SOURCE;
# with neither, the demo must-gather in the package is served.
ENTRYPOINT ["staticapi", "serve", "--host", "0.0.0.0", "--port", "8080"]
CMD []
