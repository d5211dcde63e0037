#!/usr/bin/env bash
# Packages the agent for a gateway, in the build (`package` phase of edge-agent):
#   target/flotilla-agent-VERSION/          one directory, copied as is to /opt/flotilla-agent
#     bin/flotilla-agent                    the launcher, with the tuned JVM flags
#     flotilla-agent.jar, lib/*.jar         the agent and its libraries
#     runtime/                              a jlinked Java runtime with only the modules needed
#     jvm.options                           the JVM flags the launcher uses
#     flotilla-agent.jsa                    the class-data-sharing archive for that runtime
#     flotilla-agent.service                the systemd unit
#   target/flotilla-agent-VERSION.tar.gz    the same directory as a tarball
# The archive only works with the exact runtime and flags it was made with, so all three are
# made here together. Usage: package-agent.sh TARGET_DIR JDK_HOME VERSION
set -euo pipefail
target=$1
jdk=$2
version=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=flotilla-agent-$version
dist=$target/$name

rm -rf "$dist" "$target/$name.tar.gz"
mkdir -p "$dist/bin" "$dist/lib"
cp "$target/flotilla-agent.jar" "$dist/"
cp "$target"/lib/*.jar "$dist/lib/"

# The modules the agent and its libraries use, as jdeps sees them, plus the crypto provider
# (Ed25519 lives in jdk.crypto.ec before JDK 22) and the JUL logging backend.
modules=$("$jdk/bin/jdeps" --multi-release base --ignore-missing-deps -q --print-module-deps \
  --class-path "$dist/lib/*" "$dist/flotilla-agent.jar")
modules="$modules,java.logging,jdk.unsupported"
if "$jdk/bin/java" --list-modules | grep -q '^jdk.crypto.ec@'; then
  modules="$modules,jdk.crypto.ec"
fi
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --generate-cds-archive \
  --compress=zip-6 --output "$dist/runtime"

cp "$here/flotilla-agent" "$dist/bin/flotilla-agent"
chmod +x "$dist/bin/flotilla-agent"
cp "$here/flotilla-agent.service" "$here/jvm.options" "$dist/"

# Training run: the launcher's own flags, writing the archive at exit.
scratch=$(mktemp -d)
FLOTILLA_AGENT_CDS=train "$dist/bin/flotilla-agent" --train "$scratch" >"$target/cds-training.log" 2>&1
rm -rf "$scratch"
[ -s "$dist/flotilla-agent.jsa" ] || {
  echo "package-agent: the CDS archive was not written; see $target/cds-training.log" >&2
  exit 1
}

tar czf "$target/$name.tar.gz" -C "$target" "$name"
echo "package-agent: $dist ($(du -sh "$dist" | cut -f1)), modules: $modules"
