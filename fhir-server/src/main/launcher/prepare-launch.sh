#!/bin/sh
# Run by `mvn package` (fhir-server/pom.xml): lays out target/openimd, from which the `openimd`
# launcher starts the server, and trains its class-data-sharing archive.
#
#   prepare-launch.sh <executable jar> <layout directory> <launcher script>
#
# 1. Unpacks the executable jar into an application jar and lib/ (Spring Boot's `extract` tool): the
#    JVM can share classes only from plain jars on the class path, not from jars nested in a jar.
# 2. Starts the server once, on a throw-away H2 database with no ports of its own, until its
#    application context is refreshed (spring.context.exit=onRefresh), and lists the classes loaded.
#    Only the client compiler: a start this short is over before the optimizing one pays off.
# 3. Orders the class path, most used libraries first, and chooses the classes the dump can archive
#    (org.openimd.server.launch.PrepareClassSharing says how and why: the dump searches the class path interpreted).
# 4. Dumps those classes into openimd.jsa.
set -eu
jar=$1
layout=$2
launcher=$3
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# Each step says what it is doing: the whole takes about a minute on two cores, and silence looks like a hang.
started=$(date +%s)
step() {
	echo "prepare-launch: $(date +%H:%M:%S) $*"
}

step "unpacking $(basename "$jar") into $layout"
rm -rf "$layout"
"$java" -Djarmode=tools -jar "$jar" extract --destination "$layout"

training=$(mktemp -d)
trap 'rm -rf "$training"' EXIT
step "starting the server once to learn which classes it loads (about 20 seconds)"
"$java" -XX:TieredStopAtLevel=1 -XX:DumpLoadedClassList="$training/classes" -Dspring.context.exit=onRefresh \
	-jar "$layout/openimd-server.jar" \
	--openimd.data-dir="$training/data" --server.port=0 --openimd.mllp.port=0 \
	--logging.level.root=WARN >"$training/log" 2>&1 || {
	cat "$training/log"
	echo "prepare-launch: the training start failed" >&2
	exit 1
}
step "ordering the class path by use"
"$java" -cp "$layout/openimd-server.jar" org.openimd.server.launch.PrepareClassSharing \
	"$layout/openimd-server.jar" "$training/classes" "$training/classes-to-share"
step "archiving $(wc -l <"$training/classes-to-share") classes for class-data sharing"
"$java" -Xshare:dump -XX:SharedClassListFile="$training/classes-to-share" \
	-XX:SharedArchiveFile="$layout/openimd.jsa" -cp "$layout/openimd-server.jar" >"$training/dump" 2>&1 || {
	tail -50 "$training/dump"
	echo "prepare-launch: dumping the class-data-sharing archive failed" >&2
	exit 1
}
cp "$launcher" "$layout/openimd"
chmod +x "$layout/openimd"
step "done in $(($(date +%s) - started)) s: $layout/openimd, sharing $(wc -l <"$training/classes-to-share") classes"
