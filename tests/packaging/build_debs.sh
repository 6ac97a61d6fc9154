#!/usr/bin/env bash
# build_debs.sh BUILD_DIR OUT_DIR: runs CPack in a built tree and checks the three .deb files it makes:
# names, Depends, conffiles, maintainer scripts, file lists and ownership. Installing them is install_test.sh.
set -euo pipefail
build=${1:?usage: build_debs.sh BUILD_DIR OUT_DIR}
out=${2:?usage: build_debs.sh BUILD_DIR OUT_DIR}

rm -rf "$out"
mkdir -p "$out"
start=$(date +%s)
cpack --config "$build/CPackConfig.cmake" -B "$out" > "$out/cpack.log" 2>&1 || { cat "$out/cpack.log"; exit 1; }
echo "build_debs: cpack took $(( $(date +%s) - start )) s"
rm -rf "$out/_CPack_Packages"

failures=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

shopt -s nullglob
for pkg in picket-common picket-agent picket-collector; do
  debs=("$out/${pkg}"_*.deb)
  if ((${#debs[@]} != 1)); then fail "$pkg: expected one .deb, found ${#debs[@]}"; continue; fi
  deb=${debs[0]}
  ok "$pkg: $(basename "$deb") ($(stat -c %s "$deb") bytes)"
  field() { dpkg-deb -f "$deb" "$1"; }
  [[ $(field Package) == "$pkg" ]] && ok "$pkg: Package" || fail "$pkg: Package is '$(field Package)'"
  depends=$(field Depends)
  echo "  Depends: $depends"
  [[ -n $depends ]] && ok "$pkg: declares Depends" || fail "$pkg: no Depends"
  if [[ $pkg != picket-common ]]; then
    [[ $depends == *"picket-common (= "* ]] && ok "$pkg: depends on picket-common of the same version" ||
      fail "$pkg: does not depend on picket-common (=)"
  fi
  [[ $depends == *libstdc++6* ]] && ok "$pkg: shlibdeps found libstdc++6" || fail "$pkg: shlibdeps missing"

  ctl=$(mktemp -d)
  dpkg-deb -e "$deb" "$ctl"
  for script in "$ctl"/postinst "$ctl"/prerm "$ctl"/postrm; do
    [[ -e $script ]] || continue
    sh -n "$script" && ok "$pkg: $(basename "$script") parses" || fail "$pkg: $(basename "$script") syntax"
    [[ $(stat -c %a "$script") == 755 ]] && ok "$pkg: $(basename "$script") is 0755" || fail "$pkg: script mode"
    grep -q '^set -e' "$script" && ok "$pkg: $(basename "$script") uses set -e" || fail "$pkg: no set -e"
    # Every direct systemctl call (not a comment or message) sits right below a [ -d /run/systemd/system ] test.
    if awk '/systemctl/ && !/deb-systemd/ && !/^[[:space:]]*(#|echo)/ && prev !~ /\[ -d \/run\/systemd\/system \]/ { bad=1 } { prev=$0 }
            END { exit bad }' "$script"; then
      ok "$pkg: $(basename "$script") guards systemctl"
    else
      fail "$pkg: $(basename "$script") calls systemctl outside a [ -d /run/systemd/system ] guard"
    fi
  done
  files=$(dpkg-deb -c "$deb")
  if awk '$2 != "root/root" { bad=1 } END { exit bad }' <<<"$files"; then ok "$pkg: all files root/root"; else
    fail "$pkg: files not owned by root"; fi
  has() { awk '{ print $6 }' <<<"$files" | grep -qx "./$1" && ok "$pkg: ships /$1" || fail "$pkg: does not ship /$1"; }
  case $pkg in
    picket-common)
      has usr/bin/picketctl; has usr/share/man/man1/picketctl.1.gz; has usr/share/picket/rules/
      has usr/share/doc/picket-common/copyright; has usr/share/doc/picket-common/admin-guide.md ;;
    picket-agent)
      has usr/sbin/picket-agent; has usr/sbin/picket-agent-enroll; has etc/picket/agent.yaml
      has lib/systemd/system/picket-agent.service; has usr/share/man/man8/picket-agent.8.gz
      grep -qx /etc/picket/agent.yaml "$ctl/conffiles" && ok "$pkg: conffile" || fail "$pkg: conffiles" ;;
    picket-collector)
      has usr/sbin/picket-collector; has etc/picket/collector.yaml
      has lib/systemd/system/picket-collector.service; has usr/share/man/man8/picket-collector.8.gz
      grep -qx /etc/picket/collector.yaml "$ctl/conffiles" && ok "$pkg: conffile" || fail "$pkg: conffiles" ;;
  esac
  rm -rf "$ctl"
done

echo "build_debs: $failures failure(s); packages in $out"
((failures == 0))
