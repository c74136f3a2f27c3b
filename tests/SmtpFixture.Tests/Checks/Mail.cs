namespace SmtpFixture.Tests.Checks;

/// <summary>A message that breaks no rule, and ways to break exactly one.</summary>
internal static class Mail
{
    public static readonly string[] Headers =
    [
        "Date: Mon, 7 Dec 2026 10:00:00 +0000",
        "From: Alice <alice@example.com>",
        "To: Bob <bob@example.com>",
        "Message-ID: <1@example.com>",
        "Subject: Hello",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ];

    public const string Body = "Hello Bob.\r\n";

    /// <summary>The good message.</summary>
    public static string Good => Build(Headers, Body);

    /// <summary>The good message without the header field <paramref name="name"/>.</summary>
    public static string Without(string name) => Build(Headers.Where(h => !h.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)), Body);

    /// <summary>The good message with <paramref name="name"/> replaced by the given lines (or added, when it is not there).</summary>
    public static string With(string name, params string[] lines)
    {
        var headers = Headers.Where(h => !h.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Concat(lines);
        return Build(headers, Body);
    }

    public static string WithBody(string body, params string[] extraHeaders) =>
        Build(Headers.Where(h => !extraHeaders.Any(e => h.StartsWith(e[..(e.IndexOf(':') + 1)], StringComparison.OrdinalIgnoreCase))).Concat(extraHeaders), body);

    public static string Build(IEnumerable<string> headers, string body) => string.Join("\r\n", headers) + "\r\n\r\n" + body;
}
