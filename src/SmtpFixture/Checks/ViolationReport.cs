using System.Text;

namespace SmtpFixture.Checks;

/// <summary>The text that lists violations in <see cref="SmtpTestServer.Describe"/> and in assertion failures.</summary>
internal static class ViolationReport
{
    public static string Format(IReadOnlyCollection<SmtpViolation> violations)
    {
        var text = new StringBuilder(violations.Count == 1 ? "1 violation:" : $"{violations.Count} violations:");
        foreach (var violation in violations)
        {
            text.AppendLine().Append("  - ").Append(violation);
        }

        return text.ToString();
    }
}
