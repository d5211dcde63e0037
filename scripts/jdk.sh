# shellcheck shell=bash
# Finds a JDK 21 or newer for Flotilla's scripts. Source this file, then call flotilla_find_jdk:
# it prints the JDK's home on stdout, or explains on stderr and returns 1.
# Order: $JAVA_HOME, then JDKs under /usr/lib/jvm (newest first), then `java` on the PATH.

flotilla_jdk_major() { # $1: a JDK home; prints its feature version (17, 21, 25, ...)
  local home=$1 version=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  if [ -r "$home/release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$version" ]; then
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  fi
  [ -n "$version" ] || return 1
  printf '%s\n' "$version"
}

flotilla_find_jdk() {
  local candidate major tried=()
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if [ -d /usr/lib/jvm ]; then
    while IFS= read -r candidate; do candidates+=("$candidate"); done < <(
      for home in /usr/lib/jvm/*/; do
        home=${home%/}
        major=$(flotilla_jdk_major "$home" 2>/dev/null) && printf '%s %s\n' "$major" "$home"
      done | sort -rn | cut -d' ' -f2-)
  fi
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for candidate in "${candidates[@]}"; do
    if major=$(flotilla_jdk_major "$candidate" 2>/dev/null); then
      if [ "$major" -ge 21 ]; then
        printf '%s\n' "$candidate"
        return 0
      fi
      tried+=("$candidate (Java $major)")
    fi
  done
  {
    echo "flotilla: no JDK 21 or newer found; Flotilla needs one to build and run."
    [ ${#tried[@]} -gt 0 ] && printf '  found, too old: %s\n' "${tried[@]}"
    echo "  Install a JDK 21+ (for example Temurin 21 or 25) and set JAVA_HOME to it."
  } >&2
  return 1
}
