namespace SmtpFixture.Content;

/// <summary>An absolute URL found in a received message: an HTML <c>href</c> or a URL written in a text part.</summary>
public sealed class SmtpLink
{
    internal SmtpLink(Uri uri, string? text, bool inHtml)
    {
        Uri = uri;
        Text = text;
        InHtml = inHtml;
    }

    /// <summary>The URL, with character references and transfer encoding already decoded.</summary>
    public Uri Uri { get; }

    /// <summary>The visible text of the HTML link, whitespace collapsed; <see langword="null"/> for a URL in a text part or a link without text.</summary>
    public string? Text { get; }

    /// <summary>Whether the link comes from an HTML part (an <c>href</c>) rather than from a text part.</summary>
    public bool InHtml { get; }

    /// <summary>The URL, and the link text in brackets when there is one.</summary>
    /// <returns>For example <c>https://example.com/reset?t=1 [Reset your password]</c>.</returns>
    public override string ToString() => Text is null ? Uri.AbsoluteUri : $"{Uri.AbsoluteUri} [{Text}]";
}
