# syntax=docker/dockerfile:1
# The `testbed` CLI in a container, for sharded sweeps on Kubernetes (deploy/kubernetes/) and for `serve`.
#
#   docker build --build-arg TESTBED_COMMIT=$(git rev-parse HEAD) -t testbed:latest .
#   docker run --rm testbed:latest sweep --seeds 1..50 --shard 1/2
#
# .NET 10 ships no Debian images: the `10.0` tags are Ubuntu 24.04 "Noble" (dotnet/dotnet-docker#6860).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# .git stays out of the context (.dockerignore), so the SDK cannot stamp the commit into the version itself.
# `sweep merge` refuses shards from different commits, and all shards of a run share this one image,
# so an unset commit ("unknown") still merges; set it so the results say which engine they tested.
ARG TESTBED_COMMIT=
WORKDIR /src
COPY . .
# The cache mount keeps NuGet packages between builds without a csproj-by-csproj COPY list to keep in step.
# Restores from nuget.org: the repository has no nuget.config of its own.
RUN --mount=type=cache,id=testbed-nuget,target=/root/.nuget/packages \
    dotnet publish cli/Testbed.Cli.csproj -c Release -o /app -nologo \
      -p:SourceRevisionId="${TESTBED_COMMIT}" \
    && mkdir -p /app/regressions && cp simulation/regression-cases/*.json /app/regressions/

FROM mcr.microsoft.com/dotnet/runtime:10.0
# libuv is for `serve` only (sweeps run on the mock transport). Noble's package is libuv1t64 after the
# 64-bit time_t rename; libuv1 is the pre-rename name for a Debian bookworm base. Fail the build without libuv.so.1.
RUN apt-get update \
    && (apt-get install -y --no-install-recommends libuv1t64 || apt-get install -y --no-install-recommends libuv1) \
    && rm -rf /var/lib/apt/lists/* \
    && ldconfig -p | grep -q 'libuv\.so\.1 '
COPY --from=build /app /app
# The image's own non-root user (APP_UID=1654, "app"). /results must be writable by it; a volume mounted
# there instead needs fsGroup 1654 (see deploy/kubernetes/sweep-job.yaml).
RUN mkdir /results && chown "$APP_UID:$APP_UID" /results
USER $APP_UID
WORKDIR /results
# Replay lines in the results are meant to be pasted into a checkout of the same commit.
ENV TESTBED_COMMAND=scripts/testbed
# `serve` defaults to 127.0.0.1, which nothing outside the container can reach; `docker run -p` is the fence here.
ENV TESTBED__ADDRESS=0.0.0.0
EXPOSE 5000
ENTRYPOINT ["dotnet", "/app/testbed.dll"]
CMD ["--help"]
