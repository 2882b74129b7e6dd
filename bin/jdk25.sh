# Sourced by bin/ndd and .ci/run: points JAVA_HOME at a JDK 25 or newer, or fails with a clear message.
# Order: an already-suitable JAVA_HOME, then the `java` on PATH, then JDKs installed under /usr/lib/jvm
# (Debian's JVM directory, where Temurin packages land) and /opt.

ndd_java_feature() { # prints the feature release (17, 25, ...) of the java binary given, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1
}

ndd_select_jdk25() {
  local candidate feature
  for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
      /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    feature=$(ndd_java_feature "$candidate/bin/java")
    if [ -n "$feature" ] && [ "$feature" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "error: no JDK 25 or newer found (looked at JAVA_HOME, the java on PATH, /usr/lib/jvm/*, /opt)." >&2
  echo "       Install a JDK 25 (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
