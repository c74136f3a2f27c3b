namespace SmtpFixture.FluentAssertions.Tests;

internal static class Text
{
    /// <summary>Joins expected failure-message lines the way the library writes them.</summary>
    public static string Lines(params string[] lines) => string.Join(Environment.NewLine, lines);
}
