# tunectl trainer images, both installing scripts/trainer/requirements.lock (exact versions, hashes):
#   cpu   Debian bookworm + python3 + a virtualenv from wheels the build machine fetched, so the
#         build needs no Python index:
#           pip download --no-deps --require-hashes -r scripts/trainer/requirements.lock -d wheels
#           docker build --target cpu --build-arg BASE=<a bookworm image> -t tunectl-trainer:cpu .
#   cuda  the official PyTorch CUDA runtime whose torch is the lock's version, plus the rest of the
#         lock (torch itself is kept from the image: same version, CUDA build). Default:
#           docker build -t tunectl-trainer:cuda .
#
# The cpu stage comes first and the cuda stage last on purpose: Debian's docker.io (20.10)
# uses the legacy builder, which runs every stage up to --target in file order and does not
# skip unused ones; with this order `--target cpu` never touches (or pulls) the CUDA image,
# and a plain `docker build .` still builds cuda, the last stage. BuildKit skips unused
# stages either way.

ARG BASE=debian:bookworm-slim

FROM ${BASE} AS cpu
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
COPY scripts/trainer/requirements.lock /opt/tunectl/requirements.lock
COPY wheels /tmp/wheels
RUN python3 -m venv /opt/tunectl/venv \
 && /opt/tunectl/venv/bin/pip install --no-cache-dir --no-index --find-links /tmp/wheels \
      --require-hashes -r /opt/tunectl/requirements.lock \
 && rm -rf /tmp/wheels
COPY scripts/trainer/trainer /opt/tunectl/trainer/trainer
ENV PATH=/opt/tunectl/venv/bin:$PATH \
    PYTHONPATH=/opt/tunectl/trainer \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HF_HUB_DISABLE_TELEMETRY=1 \
    TUNECTL_TINY_DIR=/opt/tunectl/tiny
# the builtin tiny model, made at build time so a run never writes it
RUN python -c "from trainer.backends.tiny_base import materialize; print(materialize({}))"
WORKDIR /output
ENTRYPOINT ["python", "-m", "trainer"]

FROM pytorch/pytorch:2.13.0-cuda12.8-cudnn9-runtime AS cuda
COPY scripts/trainer/requirements.lock /opt/tunectl/requirements.lock
# the image's torch must be the lock's version (built for CUDA); the rest of the lock is
# installed at its exact versions (without hashes: the lock's wheels are the CPU build machine's)
RUN want=$(sed -n 's/^torch==\([^+ ]*\).*/\1/p' /opt/tunectl/requirements.lock) \
 && have=$(python -c "import torch; print(torch.__version__.split('+')[0])") \
 && [ "$have" = "$want" ] || { echo "image torch $have != lock torch $want" >&2; exit 1; } \
 && sed -n 's/^\([a-z0-9][^ ]*==[^ ]*\) \\$/\1/p' /opt/tunectl/requirements.lock | grep -v '^torch==' \
      > /opt/tunectl/requirements-cuda.txt
RUN pip install --no-cache-dir -r /opt/tunectl/requirements-cuda.txt \
 && useradd --create-home --uid 1000 --shell /usr/sbin/nologin trainer
COPY --chown=root:root scripts/trainer/trainer /opt/tunectl/trainer/trainer
ENV PYTHONPATH=/opt/tunectl/trainer \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HF_HOME=/home/trainer/.cache/huggingface
USER trainer
WORKDIR /output
ENTRYPOINT ["python", "-m", "trainer"]
