#!/bin/sh
# Install schedulerd as a systemd service.
#
#   scripts/install.sh [PREFIX] [DESTDIR]
#
# PREFIX (default /usr/local) is where the binary goes, as $PREFIX/bin/schedulerd; the
# unit's ExecStart= is rewritten to match. DESTDIR (default empty) is prepended to every
# path, so a package build or a test can stage the files in a directory without root.
# Both may also come from the environment (`make install DESTDIR=...`); arguments win.
#
# What goes where:
#   $PREFIX/bin/schedulerd                      .build/release/schedulerd
#   $UNITDIR/schedulerd.service                 systemd/schedulerd.service
#   /usr/lib/sysusers.d/schedulerd.conf         systemd/schedulerd.sysusers
#   /etc/schedulerd/schedulerd.yaml             config/schedulerd.yaml (an existing one is kept)
#   /etc/schedulerd/calendars/*.ics             config/calendars/*.ics (existing ones are kept)
#   /etc/schedulerd/runbooks/*.yaml             config/runbooks/*.yaml (existing ones are kept)
# UNITDIR is /etc/systemd/system for a local install (PREFIX other than /usr) and
# /lib/systemd/system for a distribution package (PREFIX=/usr); set UNITDIR to override.
# SCHEDULERD_BINARY names another binary to install (the tests use a stand-in).
set -eu

prefix=${1:-${PREFIX:-/usr/local}}
destdir=${2:-${DESTDIR:-}}
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${SCHEDULERD_BINARY:-$root/.build/release/schedulerd}

prefix=${prefix%/}
destdir=${destdir%/}
case $prefix in
    /*) ;;
    *) echo "install.sh: PREFIX must be an absolute path, not '$prefix'" >&2; exit 2 ;;
esac
if [ -z "${UNITDIR:-}" ]; then
    if [ "$prefix" = /usr ]; then UNITDIR=/lib/systemd/system; else UNITDIR=/etc/systemd/system; fi
fi

fail() {
    echo "install.sh: $*" >&2
    exit 1
}

[ -x "$binary" ] || fail "no executable at $binary; build it first with
    swift build -c release --product schedulerd
or name another one with SCHEDULERD_BINARY=/path/to/schedulerd"
for file in systemd/schedulerd.service systemd/schedulerd.sysusers config/schedulerd.yaml; do
    [ -f "$root/$file" ] || fail "missing $root/$file; run this script from a complete schedulerd checkout"
done

# install(1) from coreutils: -D creates leading directories, -m sets the mode regardless
# of the caller's umask. Nothing is chowned: the files stay root's (or, with DESTDIR,
# the caller's), and the daemon only reads them.
install -D -m 0755 "$binary" "$destdir$prefix/bin/schedulerd"
echo "installed $destdir$prefix/bin/schedulerd"

unit=$destdir$UNITDIR/schedulerd.service
install -d -m 0755 "$destdir$UNITDIR"
sed "s|/usr/local/bin/schedulerd|$prefix/bin/schedulerd|g" "$root/systemd/schedulerd.service" > "$unit.tmp"
chmod 0644 "$unit.tmp"
mv "$unit.tmp" "$unit"
echo "installed $unit"

install -D -m 0644 "$root/systemd/schedulerd.sysusers" "$destdir/usr/lib/sysusers.d/schedulerd.conf"
echo "installed $destdir/usr/lib/sysusers.d/schedulerd.conf"

# /etc belongs to the administrator: a configuration or calendar that is already there
# may have been edited, so it is never replaced; the example stays in the checkout.
install_config() { # source target
    if [ -e "$2" ]; then
        echo "kept existing $2 (the example is $1)"
    else
        install -D -m 0644 "$1" "$2"
        echo "installed $2"
    fi
}

config_dir=$destdir/etc/schedulerd
install -d -m 0755 "$config_dir" "$config_dir/calendars" "$config_dir/runbooks"
install_config "$root/config/schedulerd.yaml" "$config_dir/schedulerd.yaml"
for calendar in "$root"/config/calendars/*.ics; do
    [ -e "$calendar" ] || continue
    install_config "$calendar" "$config_dir/calendars/$(basename "$calendar")"
done
for runbook in "$root"/config/runbooks/*.yaml; do
    [ -e "$runbook" ] || continue
    install_config "$runbook" "$config_dir/runbooks/$(basename "$runbook")"
done

if [ -n "$destdir" ]; then
    echo
    echo "Staged into $destdir. On the machine the files are installed on, as root:"
else
    echo
    echo "Next, as root:"
fi
cat <<'EOF'
    systemd-sysusers schedulerd.conf     # create the schedulerd user and group
    systemctl daemon-reload              # make systemd read the new unit
    systemctl enable --now schedulerd    # start now and at every boot
Then check it with
    systemctl status schedulerd
    journalctl -u schedulerd -f
Edit /etc/schedulerd/schedulerd.yaml, the calendars in /etc/schedulerd/calendars and the
runbooks in /etc/schedulerd/runbooks,
then apply the changes with `systemctl reload schedulerd`.
EOF
