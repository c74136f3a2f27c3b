using System.Text.RegularExpressions;
using SmtpFixture.Content;

namespace SmtpFixture;

// Links, codes and the snapshot read only the parsed message; they are members rather than extension methods so
// that Links can be a property, computed once per message.
public sealed partial class ReceivedMessage
{
    private IReadOnlyList<SmtpLink>? _links;

    /// <summary>
    /// The absolute URLs in the message, in document order: HTML <c>href</c>s with their link text, and http(s) URLs
    /// written in text parts. Transfer encodings and HTML character references are decoded; a URL that appears in both
    /// the text and the HTML alternative is listed twice.
    /// </summary>
    public IReadOnlyList<SmtpLink> Links => _links ??= LinkExtractor.Links(Message);

    /// <summary>The first link matching <paramref name="predicate"/>, or <see langword="null"/>.</summary>
    /// <param name="predicate">The condition, e.g. <c>l =&gt; l.Text == "Reset password"</c>.</param>
    /// <returns>The link's URL, or <see langword="null"/> when no link matches.</returns>
    public Uri? FindLink(Func<SmtpLink, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Links.FirstOrDefault(predicate)?.Uri;
    }

    /// <summary>The first link whose absolute URL matches the regular expression <paramref name="pattern"/>, or <see langword="null"/>.</summary>
    /// <param name="pattern">A .NET regular expression searched in the URL, e.g. <c>/reset\?token=</c>.</param>
    /// <returns>The link's URL, or <see langword="null"/> when no link matches.</returns>
    public Uri? FindLink(string pattern)
    {
        var regex = new Regex(pattern ?? throw new ArgumentNullException(nameof(pattern)), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return FindLink(l => regex.IsMatch(l.Uri.AbsoluteUri));
    }

    /// <summary>
    /// The first match of <paramref name="pattern"/> in the text a reader sees: the subject, then each text part, HTML
    /// reduced to its text (tags separate words). When the pattern has a capturing group, the first group is returned,
    /// so <c>@"code\D{0,20}(\d{6})"</c> yields just the six digits.
    /// </summary>
    /// <param name="pattern">A .NET regular expression, searched without regard to case.</param>
    /// <returns>The code, or <see langword="null"/> when nothing matches.</returns>
    public string? FindCode(string pattern)
    {
        var regex = new Regex(pattern ?? throw new ArgumentNullException(nameof(pattern)), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        foreach (var text in LinkExtractor.ReadableTexts(Message))
        {
            var match = regex.Match(text);
            if (match.Success)
            {
                return match.Groups.Count > 1 && match.Groups[1].Success ? match.Groups[1].Value : match.Value;
            }
        }

        return null;
    }

    /// <summary>
    /// A stable, readable text of the envelope, headers and decoded parts for snapshot (approved-file) tests. Volatile
    /// values (dates, message ids, MIME boundaries, <c>cid:</c> references, DKIM <c>b=</c>/<c>bh=</c>/<c>t=</c>/<c>x=</c>,
    /// <c>Received</c>, the queue id) become numbered placeholders such as <c>{message-id-1}</c>, the same value always
    /// the same placeholder; attachments appear as name, type, size and SHA-256; lines end with <c>\n</c>.
    /// </summary>
    /// <param name="options">Headers to leave out or to keep verbatim, and further values to replace; defaults when <see langword="null"/>.</param>
    /// <returns>The snapshot text.</returns>
    public string ToSnapshot(SmtpSnapshotOptions? options = null) => new SnapshotWriter(this, options ?? new SmtpSnapshotOptions()).Write();
}
