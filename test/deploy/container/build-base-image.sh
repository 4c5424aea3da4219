#!/bin/sh
# Build the local base image of the podman container test from Debian packages (no image registry is reachable):
# the .deb files of libc6, libstdc++6, dash and coreutils (with their library dependencies) from apt, unpacked with
# dpkg -x into a root filesystem, plus the Node 22 binary the project already runs on (node_modules/node from npm),
# then `podman import`. Usage: build-base-image.sh <image-tag> <node-binary>
set -eu
TAG="$1"
NODE_BIN="$2"
PACKAGES="libc6 libgcc-s1 gcc-12-base libstdc++6 dash coreutils libacl1 libattr1 libgmp10 libselinux1 libpcre2-8-0"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/debs" "$WORK/root"
(cd "$WORK/debs" && apt-get download $PACKAGES >/dev/null)
for deb in "$WORK"/debs/*.deb; do dpkg -x "$deb" "$WORK/root"; done
cd "$WORK/root"
ln -sf dash bin/sh
mkdir -p usr/local/bin tmp etc
chmod 1777 tmp
cp "$NODE_BIN" usr/local/bin/node
printf 'root:x:0:0:root:/root:/bin/sh\n' > etc/passwd
printf 'root:x:0:\n' > etc/group
tar --numeric-owner -c . | podman import --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' --change 'CMD ["node"]' - "$TAG" >/dev/null
