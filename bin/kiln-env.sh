# shellcheck shell=bash
# Shared by ./kiln and .ci/run (sourced, never run): finds a JDK 25+ and checks the build tools.
# Defines functions only; the caller decides when to call them.
#
#   KILN_JVM_DIR   where to look for JDKs when JAVA_HOME is not a JDK 25+ (default /usr/lib/jvm)

KILN_MIN_JDK=25
KILN_MIN_NODE=20

kiln_die() {
    echo "kiln: $*" >&2
    exit 1
}

# Prints the feature version (e.g. 25) of the JDK whose home is $1, or nothing when $1 is not a JDK.
kiln_jdk_major() {
    local home=$1
    local version=""
    if [[ ! -x "$home/bin/java" || ! -x "$home/bin/javac" ]]; then
        return 0
    fi
    if [[ -r "$home/release" ]]; then
        version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
    fi
    if [[ -z "$version" ]]; then
        version=$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')
    fi
    version=${version#1.}            # 1.8.0_402 -> 8.0_402
    version=${version%%[^0-9]*}      # 25.0.3 -> 25, 26-ea -> 26
    echo "$version"
}

# Candidate JDK homes, best first: JAVA_HOME, then names with 25 in them, then every other JDK, then java on PATH.
kiln_jdk_candidates() {
    local jvm_dir=${KILN_JVM_DIR:-/usr/lib/jvm}
    local dir java_bin
    if [[ -n "${JAVA_HOME:-}" ]]; then
        echo "$JAVA_HOME"
    fi
    for dir in "$jvm_dir"/*25*; do
        [[ -d "$dir" ]] && echo "$dir"
    done
    for dir in "$jvm_dir"/*; do
        [[ -d "$dir" ]] && echo "$dir"
    done
    if [[ -z "${KILN_JVM_DIR:-}" ]] && java_bin=$(command -v java 2>/dev/null); then
        java_bin=$(readlink -f "$java_bin")
        echo "${java_bin%/bin/java}"
    fi
}

# Exports JAVA_HOME (and PATH) for the first JDK 25+ found, or exits with one line saying what is missing.
kiln_find_jdk() {
    local home major
    while IFS= read -r home; do
        major=$(kiln_jdk_major "$home")
        if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= KILN_MIN_JDK )); then
            export JAVA_HOME="$home"
            export PATH="$home/bin:$PATH"
            kiln_quiet_maven_on_new_jdks
            return 0
        fi
    done < <(kiln_jdk_candidates)
    local looked="${JAVA_HOME:+JAVA_HOME=$JAVA_HOME, }${KILN_JVM_DIR:-/usr/lib/jvm}"
    if [[ -z "${KILN_JVM_DIR:-}" ]]; then
        looked="$looked, java on PATH"
    fi
    kiln_die "needs JDK $KILN_MIN_JDK (set JAVA_HOME to a JDK $KILN_MIN_JDK or newer; none in $looked)"
}

# Maven 3.8/3.9 trips JDK 24+'s sun.misc.Unsafe warnings through its bundled Guava; they are noise.
kiln_quiet_maven_on_new_jdks() {
    if [[ "${MAVEN_OPTS:-}" != *sun-misc-unsafe-memory-access* ]]; then
        export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
    fi
}

kiln_require_maven() {
    command -v mvn >/dev/null 2>&1 || kiln_die "needs Apache Maven 3.8+ (mvn not found on PATH)"
}

# The dashboard is built by Maven through the machine's Node.js/npm.
# The browser tests (ui-tests) drive Debian's Chromium; say so before a long build rather than at its end.
kiln_require_chromium() {
    [[ -x /usr/bin/chromium ]] ||
        kiln_die "the browser tests need Chromium at /usr/bin/chromium (Debian: apt-get install chromium); or leave them out: ./kiln test -pl '!ui-tests'"
}

kiln_require_node() {
    local version major
    command -v node >/dev/null 2>&1 || kiln_die "needs Node.js $KILN_MIN_NODE+ with npm (node not found on PATH)"
    command -v npm >/dev/null 2>&1 || kiln_die "needs npm (Node.js $KILN_MIN_NODE+ with npm; npm not found on PATH)"
    version=$(node --version 2>/dev/null)
    major=${version#v}
    major=${major%%.*}
    if ! [[ "$major" =~ ^[0-9]+$ ]] || (( major < KILN_MIN_NODE )); then
        kiln_die "needs Node.js $KILN_MIN_NODE+ (found ${version:-unknown} at $(command -v node))"
    fi
}
