# tunectl trainer images. Two targets:
#   cpu   Debian bookworm + Debian's python3-torch; runs the `tiny` backend (demos, tests, testbed).
#         docker build --target cpu --build-arg BASE=<a bookworm image> -t tunectl-trainer:cpu .
#   cuda  official PyTorch CUDA runtime + pinned transformers/peft; the `hf` backend. Default:
#         docker build -t tunectl-trainer:cuda .
#
# The cpu stage comes first and the cuda stage last on purpose: Debian's docker.io (20.10)
# uses the legacy builder, which runs every stage up to --target in file order and does not
# skip unused ones; with this order `--target cpu` never touches (or pulls) the CUDA image,
# and a plain `docker build .` still builds cuda, the last stage. BuildKit skips unused
# stages either way.

ARG BASE=debian:bookworm-slim

FROM ${BASE} AS cpu
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-torch python3-jsonschema \
 && rm -rf /var/lib/apt/lists/*
COPY scripts/trainer/trainer /opt/tunectl/trainer/trainer
ENV PYTHONPATH=/opt/tunectl/trainer \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /output
ENTRYPOINT ["python3", "-m", "trainer"]

FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime AS cuda
RUN pip install --no-cache-dir \
      transformers==4.46.3 \
      peft==0.13.2 \
      accelerate==1.1.1 \
      safetensors==0.4.5 \
      jsonschema==4.23.0 \
 && useradd --create-home --uid 1000 --shell /usr/sbin/nologin trainer
COPY --chown=root:root scripts/trainer/trainer /opt/tunectl/trainer/trainer
ENV PYTHONPATH=/opt/tunectl/trainer \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HF_HOME=/home/trainer/.cache/huggingface
USER trainer
WORKDIR /output
ENTRYPOINT ["python", "-m", "trainer"]
