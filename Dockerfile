# The image `hgctl install` deploys (ghcr.io/hgctl/hgctl:v<version>): hgctl running `hgctl operator`.
# Build: docker build -t ghcr.io/hgctl/hgctl:v$(cargo pkgid | cut -d'#' -f2) .

FROM rust:1.89-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin hgctl

# distroless/cc: glibc and CA certificates, no shell; the nonroot user is 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/hgctl /usr/local/bin/hgctl
USER 65532:65532
EXPOSE 8081 9464
ENTRYPOINT ["hgctl"]
CMD ["operator", "--health-addr", "0.0.0.0:8081", "--metrics-addr", "0.0.0.0:9464", "-A"]
