#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of every library package in src/ from its current public API, using the
# RS0016 ("add to public API") code fix of Microsoft.CodeAnalysis.PublicApiAnalyzers through `dotnet format`.
# Run it after an intended API change and review the diff: that diff is the API change.
# PublicAPI.Shipped.txt is left alone; at a release, move the Unshipped entries into it.
set -euo pipefail
cd "$(dirname "$0")/.."

for project in src/*/*.csproj; do
    dir=$(dirname "$project")
    if grep -q '<OutputType>Exe</OutputType>' "$project"; then
        continue  # the tool has no public API
    fi
    [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
    printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
    echo "== $project"
    # Exit code 2 only means "files were changed".
    dotnet format analyzers "$project" --diagnostics RS0016 --severity info --verbosity quiet || true
    # Stable order, one entry per line, whatever order the code fix wrote them in.
    { echo '#nullable enable'; grep -v '^#nullable enable$' "$dir/PublicAPI.Unshipped.txt" | grep -v '^$' | LC_ALL=C sort -u; } > "$dir/PublicAPI.Unshipped.txt.tmp"
    mv "$dir/PublicAPI.Unshipped.txt.tmp" "$dir/PublicAPI.Unshipped.txt"
done

echo "Done. Check with: dotnet build SmtpFixture.sln (RS0016/RS0017 are errors)."
