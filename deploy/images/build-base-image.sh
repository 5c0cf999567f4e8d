#!/usr/bin/env bash
# Builds the services' JVM base image as a `docker save`-format tarball (the format Jib reads after `tar://`),
# without a Docker daemon, a registry or root:
#   - a jlink'd Java runtime made from this machine's JDK 17 (only the modules the services use), and
#   - the few Debian packages it needs to run (glibc, libstdc++, zlib; dash for the start script), unpacked with
#     `apt-get download` + `dpkg-deb -x` (no package manager, no shell tools in the image),
#   - user and group 185 (non-root, as the chart's securityContext expects), /tmp world-writable,
#   - /usr/local/bin/run-java: the start script, honouring JAVA_MAX_MEM_RATIO and JAVA_OPTS_APPEND like the UBI
#     image's run-java.sh does (the chart sets those two).
# usage: deploy/images/build-base-image.sh <output.tar>
set -euo pipefail

out=$(realpath -m "${1:?usage: build-base-image.sh <output.tar>}")
java_home=${JLINK_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v jlink)")")")}
# What jdeps finds in the four services' jars, plus the providers a JVM picks at run time (EC ciphers for TLS,
# DNS, zip file system, JFR for diagnostics).
modules=java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.net.http,\
java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.jfr,jdk.management,\
jdk.naming.dns,jdk.security.auth,jdk.unsupported,jdk.zipfs
packages="base-files libc6 libgcc-s1 libstdc++6 zlib1g dash"

[ -d "$java_home/jmods" ] || { echo "no jmods in $java_home (Debian: apt-get install openjdk-17-jdk-headless; or set JLINK_JAVA_HOME)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs" "$work/debs"
chmod 755 "$work" && chmod 777 "$work/debs"   # apt-get download runs as _apt when it can

(cd "$work/debs" && apt-get download -q $packages >/dev/null)
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$rootfs"; done
rm -rf "$rootfs"/usr/share/{doc,man,info,lintian,locale} "$rootfs"/usr/share/common-licenses
ln -sf dash "$rootfs/bin/sh"

"$java_home/bin/jlink" --add-modules "$modules" --output "$rootfs/opt/java" \
  --strip-debug --no-man-pages --no-header-files --compress=2
# Debian's JDK reads the CA bundle from ca-certificates-java; take that one (the same the build and tests trust).
[ -f /etc/ssl/certs/java/cacerts ] && cp /etc/ssl/certs/java/cacerts "$rootfs/opt/java/lib/security/cacerts"
mkdir -p "$rootfs/usr/local/bin" "$rootfs/deployments" "$rootfs/tmp" "$rootfs/etc"
cat > "$rootfs/usr/local/bin/run-java" <<'EOF'
#!/bin/sh
# Starts the Quarkus app; same variables as the UBI image's run-java.sh for what the chart sets.
exec java -XX:MaxRAMPercentage="${JAVA_MAX_MEM_RATIO:-50}" ${JAVA_OPTS:-} ${JAVA_OPTS_APPEND:-} \
  -jar "${JAVA_APP_JAR:-/deployments/quarkus-run.jar}" "$@"
EOF
chmod 755 "$rootfs/usr/local/bin/run-java"
chmod 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:185:185:customer-flow:/deployments:/usr/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\napp:x:185:\n' > "$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$rootfs/etc/nsswitch.conf"

# One layer, owned by root, in name order (the same inputs give the same layer).
tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$rootfs" -cf "$work/layer.tar" .
diff_id=sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
jdk_version=$("$rootfs/opt/java/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.runtime.version = //p')
cat > "$work/config.json" <<EOF
{"architecture":"amd64","os":"linux",
 "config":{"User":"185","WorkingDir":"/deployments",
  "Env":["PATH=/opt/java/bin:/usr/local/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],
  "Entrypoint":["/usr/local/bin/run-java"],
  "Labels":{"org.opencontainers.image.title":"customer-flow JVM base","org.opencontainers.image.description":"jlink'd Java ${jdk_version} on Debian bookworm libraries"}},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created_by":"deploy/images/build-base-image.sh"}]}
EOF
cat > "$work/manifest.json" <<EOF
[{"Config":"config.json","RepoTags":["customer-flow/jvm-base:17"],"Layers":["layer.tar"]}]
EOF
mkdir -p "$(dirname "$out")"
tar -C "$work" -cf "$out.tmp" manifest.json config.json layer.tar
mv "$out.tmp" "$out"
echo "base image: $out ($(du -h "$out" | cut -f1), Java $jdk_version)"
