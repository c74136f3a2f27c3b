namespace SmtpFixture.FluentAssertions;

/// <summary>Helpers for failure messages.</summary>
internal static class FailureText
{
    /// <summary>
    /// Makes text safe to put into a FluentAssertions failure format, which goes through <see cref="string.Format(string, object[])"/>:
    /// braces in a subject or an address must not be read as placeholders.
    /// </summary>
    public static string Escape(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    /// <summary>A count with its noun, e.g. <c>1 message</c>, <c>2 messages</c>.</summary>
    public static string Count(int count, string noun) => count == 1 ? "1 " + noun : count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + noun + "s";

    /// <summary>A list of addresses as <c>&lt;a&gt;, &lt;b&gt;</c>, or <c>(none)</c>.</summary>
    public static string Addresses(IEnumerable<string> addresses)
    {
        var list = addresses.Select(a => "<" + a + ">").ToArray();
        return list.Length == 0 ? "(none)" : string.Join(", ", list);
    }

    /// <summary>Whether two mailboxes are the same: the local part compared exactly (RFC 5321 §2.4), the domain without case.</summary>
    public static bool SameMailbox(string actual, string expected)
    {
        var a = Strip(actual);
        var e = Strip(expected);
        var at = a.LastIndexOf('@');
        var et = e.LastIndexOf('@');
        if (at < 0 || et < 0)
        {
            return string.Equals(a, e, StringComparison.Ordinal);
        }

        return a.AsSpan(0, at).SequenceEqual(e.AsSpan(0, et))
            && a.AsSpan(at + 1).Equals(e.AsSpan(et + 1), StringComparison.OrdinalIgnoreCase);
    }

    private static string Strip(string address) =>
        address.Length >= 2 && address[0] == '<' && address[^1] == '>' ? address[1..^1] : address;
}
