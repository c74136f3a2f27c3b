using System.Text;
using System.Text.RegularExpressions;

namespace SmtpFixture.Packaging.Tests;

/// <summary>
/// The README's ```csharp blocks as C# files a compiler takes as they are shown. A block is either declarations (types,
/// kept as written) or statements (wrapped in an async method); its `using` lines go first, its own namespace keeps its
/// types apart from other blocks', and `#line` makes each compiler error point at the README's line.
/// A block preceded by the line <c>&lt;!-- readme: not compiled --&gt;</c> is deliberately partial and left out.
/// </summary>
internal static partial class ReadmeSnippets
{
    public const string SkipMarker = "<!-- readme: not compiled -->";

    /// <summary>A block: where its first code line is in the README (1-based), and its lines.</summary>
    public sealed record Block(int FirstLine, IReadOnlyList<string> Lines);

    public static IReadOnlyList<Block> Extract(IReadOnlyList<string> readme)
    {
        var blocks = new List<Block>();
        for (var i = 0; i < readme.Count; i++)
        {
            if (readme[i].Trim() != "```csharp")
            {
                continue;
            }

            var skipped = i > 0 && readme[i - 1].Trim() == SkipMarker;
            var end = i + 1;
            while (end < readme.Count && readme[end].Trim() != "```")
            {
                end++;
            }

            if (end == readme.Count)
            {
                throw new InvalidOperationException($"README.md line {i + 1}: a ```csharp block is never closed.");
            }

            if (!skipped)
            {
                blocks.Add(new Block(i + 2, readme.Skip(i + 1).Take(end - i - 1).ToArray()));
            }

            i = end;
        }

        return blocks;
    }

    /// <summary>The block as one C# file; <paramref name="name"/> names its namespace (and so must be unique).</summary>
    public static string ToSource(Block block, string name, string readmePath)
    {
        var source = new StringBuilder();
        var lines = block.Lines;
        var body = 0;

        // Leading using directives, blank lines and comments stay at the top of the file, where C# wants them.
        while (body < lines.Count && (lines[body].StartsWith("using ", StringComparison.Ordinal) || string.IsNullOrWhiteSpace(lines[body]) || lines[body].TrimStart().StartsWith("//", StringComparison.Ordinal)))
        {
            body++;
        }

        AppendWithLine(source, lines, 0, body, block.FirstLine, readmePath);
        var statements = body < lines.Count && !Declaration().IsMatch(lines[body]);
        source.AppendLine("#line default");
        source.AppendLine(CultureInfoInvariant($"namespace {name}"));
        source.AppendLine("{");
        if (statements)
        {
            source.AppendLine("internal static class Snippet");
            source.AppendLine("{");
            source.AppendLine("public static async System.Threading.Tasks.Task RunAsync()");
            source.AppendLine("{");
        }

        AppendWithLine(source, lines, body, lines.Count, block.FirstLine, readmePath);
        source.AppendLine("#line default");
        if (statements)
        {
            source.AppendLine("}");
            source.AppendLine("}");
        }

        source.AppendLine("}");
        return source.ToString();
    }

    private static void AppendWithLine(StringBuilder source, IReadOnlyList<string> lines, int from, int to, int firstLine, string readmePath)
    {
        if (from >= to)
        {
            return;
        }

        source.AppendLine(CultureInfoInvariant($"#line {firstLine + from} \"{readmePath}\""));
        for (var i = from; i < to; i++)
        {
            source.AppendLine(lines[i]);
        }
    }

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>A line that starts a type (or an attribute on one): the block is declarations, not statements.</summary>
    [GeneratedRegex(@"^(\[|(public|internal|file|sealed|static|abstract|partial)\s|(class|record|struct|interface|enum)\s)")]
    private static partial Regex Declaration();
}
