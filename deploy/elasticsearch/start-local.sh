#!/usr/bin/env bash
# Start a real, single-node Elasticsearch 8.x on 127.0.0.1 for local development and tests.
#
# No Elasticsearch tarball can be downloaded here (only package registries are reachable), so the
# node is assembled from the artifacts Elastic publishes to Maven Central, fetched with Maven:
#   - org.elasticsearch:elasticsearch (the server) and its runtime dependencies -> lib/
#   - org.elasticsearch:elasticsearch-entitlement-bridge                          -> lib/entitlement-bridge/
#   - org.elasticsearch.plugin:transport-netty4 (HTTP + transport)               -> modules/transport-netty4/
# plus two tiny Java stand-ins (java/) for the unpublished bits of the distribution: the CLI that
# passes the server its arguments, and the entitlement agent.
# Only the transport-netty4 module is installed: no x-pack (so no security, no ILM, no ingest),
# no analysis-common (the standard analyzer and highlighting are in the server itself).
#
# Idempotent: downloads/assembles once into $ES_BASE (default <repo>/.data/elasticsearch), starts
# the node in the background if it is not already answering, waits for green/yellow, prints the URL.
#
# Environment:
#   ES_VERSION   (8.19.21)      Elasticsearch version from Maven Central
#   ES_PORT      (9200)         HTTP port on 127.0.0.1 (transport uses ES_PORT+100)
#   ES_HEAP      (512m)         -Xms/-Xmx
#   ES_BASE      (<repo>/.data/elasticsearch)
#   ES_JAVA_HOME (auto: a JDK >= 21 under /usr/lib/jvm, else `java` on PATH)
#   ES_RUN_USER  (elasticsearch, only used when run as root: Elasticsearch refuses to run as root)
#   ES_WAIT      (120)          seconds to wait for the node to become healthy
# One node of a multi-node cluster (start-cluster.sh sets these; unset = a single node):
#   ES_NODE_NAME     (partycloud-es)     node.name
#   ES_CLUSTER_NAME  (partycloud-local)  cluster.name
#   ES_SEED_HOSTS    ("")                comma-separated host:transport_port list -> discovery.seed_hosts
#   ES_MASTER_NODES  ("")                comma-separated node names -> cluster.initial_master_nodes
#   ES_HOME_FROM     ("")                an assembled home to copy instead of assembling again
#   ES_ASSEMBLE_ONLY (0)                 1: assemble ES_HOME and stop there
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
ES_VERSION="${ES_VERSION:-8.19.21}"
ES_PORT="${ES_PORT:-9200}"
ES_HEAP="${ES_HEAP:-512m}"
ES_BASE="${ES_BASE:-$REPO/.data/elasticsearch}"
ES_RUN_USER="${ES_RUN_USER:-elasticsearch}"
ES_WAIT="${ES_WAIT:-120}"
ES_HOME="$ES_BASE/home-$ES_VERSION"
ES_NODE_NAME="${ES_NODE_NAME:-partycloud-es}"
ES_CLUSTER_NAME="${ES_CLUSTER_NAME:-partycloud-local}"
ES_SEED_HOSTS="${ES_SEED_HOSTS:-}"
ES_MASTER_NODES="${ES_MASTER_NODES:-}"
ES_HOME_FROM="${ES_HOME_FROM:-}"
DATA_DIR="$ES_BASE/data"
LOG_DIR="$ES_BASE/logs"
RUN_DIR="$ES_BASE/run"
TMP_DIR="$ES_BASE/tmp"
PID_FILE="$RUN_DIR/elasticsearch.pid"
URL="http://127.0.0.1:$ES_PORT"

log() { echo "[es-local] $*" >&2; }

healthy() {
    curl -fsS -m 2 "$URL/_cluster/health" 2>/dev/null | grep -Eq '"status":"(green|yellow)"'
}

# shellcheck source=alive.sh
source "$HERE/alive.sh"
running() { es_alive "$(cat "$PID_FILE" 2>/dev/null)" "$ES_HOME"; }

if healthy; then
    log "Elasticsearch already running at $URL"
    echo "$URL"
    exit 0
fi

# --- Java -------------------------------------------------------------------------------------
java_feature() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}'; }
if [[ -z "${ES_JAVA_HOME:-}" ]]; then
    for cand in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2*-jdk* /usr/lib/jvm/java-2*-openjdk*; do
        if [[ -x "$cand/bin/java" && -x "$cand/bin/javac" ]] && (( $(java_feature "$cand") >= 21 )); then
            ES_JAVA_HOME="$cand"; break
        fi
    done
fi
if [[ -z "${ES_JAVA_HOME:-}" ]]; then
    ES_JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
fi
JAVA="$ES_JAVA_HOME/bin/java"
JAVAC="$ES_JAVA_HOME/bin/javac"
JAVA_FEATURE="$(java_feature "$ES_JAVA_HOME")"
log "using Java $JAVA_FEATURE from $ES_JAVA_HOME"

# --- Assemble ES_HOME once ---------------------------------------------------------------------
# A cluster's nodes each need their own config/ (the server reads <home>/config), so each node
# gets a copy of one assembled home (about 41 MB) rather than assembling it again.
if [[ ! -f "$ES_HOME/.assembled" && -n "$ES_HOME_FROM" && -f "$ES_HOME_FROM/.assembled" ]]; then
    rm -rf "$ES_HOME.partial"
    mkdir -p "$ES_BASE"
    cp -a "$ES_HOME_FROM" "$ES_HOME.partial"
    rm -f "$ES_HOME.partial/config/elasticsearch.yml"
    mv "$ES_HOME.partial" "$ES_HOME"
fi
if [[ ! -f "$ES_HOME/.assembled" ]]; then
    command -v mvn >/dev/null || { log "mvn (Maven) is required to fetch Elasticsearch from Maven Central"; exit 1; }
    log "assembling Elasticsearch $ES_VERSION into $ES_HOME (Maven Central, once)"
    BUILD="$ES_BASE/build-$ES_VERSION"
    rm -rf "$BUILD" "$ES_HOME.partial"
    mkdir -p "$BUILD/server" "$BUILD/netty" "$ES_HOME.partial"/{lib/entitlement-bridge,lib/entitlement-agent,modules/transport-netty4,plugins,config,bin}

    cat >"$BUILD/server/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.partycloud</groupId><artifactId>es-server</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.elasticsearch</groupId><artifactId>elasticsearch</artifactId><version>$ES_VERSION</version></dependency>
  </dependencies>
</project>
EOF
    cat >"$BUILD/netty/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.partycloud</groupId><artifactId>es-netty</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.elasticsearch.plugin</groupId><artifactId>transport-netty4</artifactId><version>$ES_VERSION</version></dependency>
    <dependency><groupId>org.elasticsearch</groupId><artifactId>elasticsearch-entitlement-bridge</artifactId><version>$ES_VERSION</version></dependency>
  </dependencies>
</project>
EOF
    mvn_copy() { # <pom dir> <output dir>
        if ! (cd "$1" && mvn -B -Dstyle.color=never dependency:copy-dependencies -DincludeScope=runtime \
            -DoutputDirectory="$2" >"$1/mvn.log" 2>&1); then
            tail -n 30 "$1/mvn.log" >&2
            log "Maven could not fetch the Elasticsearch artifacts (see above)"
            exit 1
        fi
    }
    mvn_copy "$BUILD/server" "$ES_HOME.partial/lib"
    mvn_copy "$BUILD/netty" "$BUILD/netty/jars"
    mv "$BUILD/netty/jars/elasticsearch-entitlement-bridge-$ES_VERSION.jar" "$ES_HOME.partial/lib/entitlement-bridge/"
    # The module gets only what the server's lib/ does not already provide (no duplicate Java modules).
    for jar in "$BUILD/netty/jars"/*.jar; do
        [[ -e "$ES_HOME.partial/lib/$(basename "$jar")" ]] || cp "$jar" "$ES_HOME.partial/modules/transport-netty4/"
    done
    [[ -e "$ES_HOME.partial/modules/transport-netty4/transport-netty4-$ES_VERSION.jar" ]] || { log "transport-netty4 missing"; exit 1; }
    # The module's descriptor and entitlement policy ship inside its jar.
    (cd "$BUILD/netty" && "$ES_JAVA_HOME/bin/jar" xf "jars/transport-netty4-$ES_VERSION.jar" META-INF/es-plugins)
    cp "$BUILD/netty/META-INF/es-plugins/transport-netty4/"{plugin-descriptor.properties,entitlement-policy.yaml} \
        "$ES_HOME.partial/modules/transport-netty4/"

    # Stand-ins for the unpublished distribution pieces.
    mkdir -p "$BUILD/classes/agent" "$BUILD/classes/tools"
    "$JAVAC" -q --release 17 -d "$BUILD/classes/agent" "$HERE/java/EsEntitlementAgent.java" 2>/dev/null \
        || "$JAVAC" --release 17 -d "$BUILD/classes/agent" "$HERE/java/EsEntitlementAgent.java"
    printf 'Agent-Class: EsEntitlementAgent\nCan-Retransform-Classes: true\nCan-Redefine-Classes: true\n' >"$BUILD/agent.mf"
    "$ES_JAVA_HOME/bin/jar" --create --file "$ES_HOME.partial/lib/entitlement-agent/partycloud-entitlement-agent.jar" \
        --manifest "$BUILD/agent.mf" -C "$BUILD/classes/agent" .
    "$JAVAC" --release 17 -cp "$ES_HOME.partial/lib/*" -d "$ES_HOME.partial/bin" "$HERE/java/EsServerArgs.java"
    mkdir -p "$ES_HOME.partial/lib/tools/ansi-console"
    "$JAVAC" --release 17 -d "$BUILD/classes/tools" "$HERE/java/ansi/AnsiConsoleLoader.java"
    "$ES_JAVA_HOME/bin/jar" --create --file "$ES_HOME.partial/lib/tools/ansi-console/partycloud-ansi-console.jar" \
        -C "$BUILD/classes/tools" .

    # GET / and HEAD / (the unpublished rest-root module): what clients' info() and ping() call.
    mkdir -p "$BUILD/classes/restroot" "$ES_HOME.partial/modules/partycloud-rest-root"
    "$JAVAC" --release 17 -cp "$ES_HOME.partial/lib/*" -d "$BUILD/classes/restroot" \
        "$HERE/java/restroot/PartyCloudRestRootPlugin.java"
    "$ES_JAVA_HOME/bin/jar" --create --file "$ES_HOME.partial/modules/partycloud-rest-root/partycloud-rest-root.jar" \
        -C "$BUILD/classes/restroot" .
    cat >"$ES_HOME.partial/modules/partycloud-rest-root/plugin-descriptor.properties" <<DESCRIPTOR
description=GET / and HEAD / for the local development node (stand-in for the rest-root module)
version=$ES_VERSION
name=partycloud-rest-root
classname=partycloud.esroot.PartyCloudRestRootPlugin
java.version=17
elasticsearch.version=$ES_VERSION
DESCRIPTOR

    # Native access (root check, system call filter, process limits) needs libzstd at
    # lib/platform/linux-x64; the distribution ships its own, Debian's libzstd1 is the same library.
    mkdir -p "$ES_HOME.partial/lib/platform/linux-x64"
    for z in /usr/lib/x86_64-linux-gnu/libzstd.so.1 /lib/x86_64-linux-gnu/libzstd.so.1 /usr/lib64/libzstd.so.1; do
        if [[ -e "$z" ]]; then
            ln -sf "$z" "$ES_HOME.partial/lib/platform/linux-x64/libzstd.so"
            break
        fi
    done

    cp "$HERE/log4j2.properties" "$ES_HOME.partial/config/log4j2.properties"
    touch "$ES_HOME.partial/.assembled"
    rm -rf "$ES_HOME"
    mv "$ES_HOME.partial" "$ES_HOME"
    rm -rf "$BUILD"
    log "assembled: $(du -sh "$ES_HOME" | cut -f1)"
fi

if [[ "${ES_ASSEMBLE_ONLY:-0}" == 1 ]]; then
    exit 0
fi

# --- Config (rewritten each start so ES_PORT / paths can change) -------------------------------
mkdir -p "$DATA_DIR" "$LOG_DIR" "$RUN_DIR" "$TMP_DIR"
cat >"$ES_HOME/config/elasticsearch.yml" <<EOF
# Written by deploy/elasticsearch/start-local.sh — local development/test node only.
cluster.name: $ES_CLUSTER_NAME
node.name: $ES_NODE_NAME
path.data: $DATA_DIR
path.logs: $LOG_DIR
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $((ES_PORT + 100))
EOF
if [[ -n "$ES_SEED_HOSTS" ]]; then
    cat >>"$ES_HOME/config/elasticsearch.yml" <<EOF
discovery.seed_hosts: [${ES_SEED_HOSTS}]
cluster.initial_master_nodes: [${ES_MASTER_NODES}]
EOF
else
    echo "discovery.type: single-node" >>"$ES_HOME/config/elasticsearch.yml"
fi
cat >>"$ES_HOME/config/elasticsearch.yml" <<EOF
# A dev machine's disk may be fuller than Elasticsearch's watermarks; never go read-only here.
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF

RUN_AS=()
if [[ "$(id -u)" == 0 ]]; then
    if ! id "$ES_RUN_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_RUN_USER"
    fi
    chown -R "$ES_RUN_USER:" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR" "$TMP_DIR"
    RUN_AS=(setpriv --reuid="$ES_RUN_USER" --regid="$ES_RUN_USER" --init-groups --)
fi

if running; then
    log "process $(cat "$PID_FILE") exists but $URL is not healthy yet; waiting for it"
else
    BRIDGE="$(ls "$ES_HOME"/lib/entitlement-bridge/*.jar)"
    JVM_OPTS=(
        "-Xms$ES_HEAP" "-Xmx$ES_HEAP" -XX:+UseG1GC -Xss1m
        -XX:+ExitOnOutOfMemoryError -XX:-OmitStackTraceInFastThrow
        -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Djna.nosys=true -Djava.locale.providers=CLDR
        -Des.networkaddress.cache.ttl=60 -Des.networkaddress.cache.negative.ttl=10
        -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0
        -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true -Dlog4j2.formatMsgNoLookups=true
        # libvec (Elastic's SIMD vector library) is not published to Maven Central; ES's own switch.
        -Dorg.elasticsearch.nativeaccess.enableVectorLibrary=false
        "-Djava.io.tmpdir=$TMP_DIR"
        "-Des.path.home=$ES_HOME" "-Des.path.conf=$ES_HOME/config"
        -Des.distribution.type=tar "-Des.java.type=system JDK"
        # Entitlements (the replacement of the security manager): bridge patched into java.base,
        # agent attached by the server itself.
        -Des.entitlements.enabled=true -XX:+EnableDynamicAgentLoading -Djdk.attach.allowAttachSelf=true
        "--patch-module=java.base=$BRIDGE"
        "--add-exports=java.base/org.elasticsearch.entitlement.bridge=org.elasticsearch.entitlement,java.logging,java.net.http,java.naming,jdk.net"
    )
    if (( JAVA_FEATURE >= 21 )); then
        # shellcheck disable=SC2054  # the commas are part of one option's value
        JVM_OPTS+=(--enable-native-access=org.elasticsearch.nativeaccess,org.apache.lucene.core --enable-native-access=ALL-UNNAMED)
    fi
    if (( JAVA_FEATURE >= 24 )); then
        JVM_OPTS+=(--illegal-native-access=deny)
    fi
    if (( JAVA_FEATURE < 24 )); then
        JVM_OPTS+=(-Djava.security.manager=allow)
    fi

    log "starting Elasticsearch $ES_VERSION on $URL (heap $ES_HEAP); log: $LOG_DIR/"
    START_NS=$(date +%s%N)
    # The server reads its arguments (settings, paths, keystore) from stdin; daemonize=true so it
    # does not watch stdin afterwards.
    (
        cd "$ES_HOME"
        "$JAVA" -cp "$ES_HOME/lib/*:$ES_HOME/bin" EsServerArgs "$ES_HOME" "$PID_FILE" |
            LIBFFI_TMPDIR="$TMP_DIR" ES_TMPDIR="$TMP_DIR" setsid "${RUN_AS[@]}" "$JAVA" "${JVM_OPTS[@]}" \
                --module-path "$ES_HOME/lib" --add-modules=jdk.net --add-modules=ALL-MODULE-PATH \
                -m org.elasticsearch.server/org.elasticsearch.bootstrap.Elasticsearch \
                >"$LOG_DIR/stdout.log" 2>&1 &
    )
fi

for ((i = 0; i < ES_WAIT * 2; i++)); do
    if healthy; then
        if [[ -n "${START_NS:-}" ]]; then
            log "healthy after $(( ($(date +%s%N) - START_NS) / 1000000 )) ms"
        fi
        echo "$URL"
        exit 0
    fi
    if (( i > 10 )) && ! running && ! pgrep -f "es.path.home=$ES_HOME" >/dev/null; then
        break
    fi
    sleep 0.5
done
log "Elasticsearch did not become healthy; last log lines:"
tail -n 40 "$LOG_DIR/stdout.log" >&2 || true
exit 1
