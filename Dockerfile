# ironlb's one image: both daemons (`ironlb-controller`, `ironlb-speaker`) on Node 20. Not built in CI: no container
# engine runs on the project's machines (README, "Known limits"); the Helm chart names this image.
#
#   docker build -t ghcr.io/ironlb/ironlb:0.1.0 .

# Builder: the native AF_PACKET/TCP-MD5 addon needs a compiler and Node's headers; the TypeScript is compiled here.
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY controller/package.json controller/
COPY speaker/package.json speaker/binding.gyp speaker/
COPY speaker/native speaker/native
COPY scripts/package.json scripts/
COPY scripts/kube-testserver/package.json scripts/kube-testserver/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -b shared controller speaker && npm prune --omit=dev

# Runtime: slim Node, the tools the speaker's dataplane runs (nft, iptables-restore, conntrack), no compiler.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nftables iptables conntrack \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/shared/package.json shared/
COPY --from=build /src/shared/dist shared/dist
COPY --from=build /src/controller/package.json controller/
COPY --from=build /src/controller/bin controller/bin
COPY --from=build /src/controller/dist controller/dist
COPY --from=build /src/speaker/package.json speaker/
COPY --from=build /src/speaker/bin speaker/bin
COPY --from=build /src/speaker/dist speaker/dist
COPY --from=build /src/speaker/build/Release speaker/build/Release
RUN ln -s /app/controller/bin/ironlb-controller.js /usr/local/bin/ironlb-controller \
 && ln -s /app/speaker/bin/ironlb-speaker.js /usr/local/bin/ironlb-speaker
# Non-root by default (the controller runs so); the chart runs the speaker as uid 0 with all capabilities dropped
# but NET_RAW (and NET_ADMIN for the dataplane or BGP MD5), because Kubernetes grants effective capabilities to root only.
USER 65532:65532
ENTRYPOINT ["ironlb-controller"]
