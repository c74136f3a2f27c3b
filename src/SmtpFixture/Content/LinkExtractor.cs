using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Text;

namespace SmtpFixture.Content;

/// <summary>
/// Finds links and readable text in a message's decoded text parts, in document order. HTML goes through MimeKit's
/// <see cref="HtmlTokenizer"/> (which decodes character references such as <c>&amp;amp;</c>); plain text is searched
/// for http(s) URLs. Quoted-printable and base64 are undone by MimeKit before either sees the text.
/// </summary>
internal static partial class LinkExtractor
{
    public static IReadOnlyList<SmtpLink> Links(MimeMessage message)
    {
        var links = new List<SmtpLink>();
        foreach (var part in message.BodyParts.OfType<TextPart>().Where(p => !p.IsAttachment))
        {
            if (part.IsHtml)
            {
                AddHtmlLinks(part.Text, links);
            }
            else
            {
                AddTextLinks(part.Text, links);
            }
        }

        return links;
    }

    /// <summary>The text a reader sees: the subject, then each text part, HTML reduced to its character data.</summary>
    public static IEnumerable<string> ReadableTexts(MimeMessage message)
    {
        if (message.Subject is { } subject)
        {
            yield return subject;
        }

        foreach (var part in message.BodyParts.OfType<TextPart>().Where(p => !p.IsAttachment))
        {
            yield return part.IsHtml ? HtmlText(part.Text) : part.Text;
        }
    }

    private static void AddHtmlLinks(string html, List<SmtpLink> links)
    {
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        Uri? open = null;
        StringBuilder? text = null;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken { Id: HtmlTagId.A or HtmlTagId.Area, IsEndTag: false } tag:
                    Close(ref open, ref text, links);
                    var href = tag.Attributes.FirstOrDefault(a => a.Id == HtmlAttributeId.Href)?.Value?.Trim();
                    if (TryAbsolute(href, out var uri))
                    {
                        if (tag.Id == HtmlTagId.Area || tag.IsEmptyElement)
                        {
                            links.Add(new SmtpLink(uri, null, inHtml: true));
                        }
                        else
                        {
                            open = uri;
                            text = new StringBuilder();
                        }
                    }

                    break;
                case HtmlTagToken { Id: HtmlTagId.A, IsEndTag: true }:
                    Close(ref open, ref text, links);
                    break;
                case HtmlTagToken { Id: HtmlTagId.Image } image when text is not null:
                    // An image link reads as its alt text.
                    text.Append(' ').Append(image.Attributes.FirstOrDefault(a => a.Id == HtmlAttributeId.Alt)?.Value);
                    break;
                case HtmlDataToken data when text is not null:
                    text.Append(data.Data);
                    break;
            }
        }

        Close(ref open, ref text, links);
    }

    private static void Close(ref Uri? open, ref StringBuilder? text, List<SmtpLink> links)
    {
        if (open is not null)
        {
            var words = CollapseWhitespace(text!.ToString());
            links.Add(new SmtpLink(open, words.Length == 0 ? null : words, inHtml: true));
        }

        open = null;
        text = null;
    }

    private static void AddTextLinks(string text, List<SmtpLink> links)
    {
        foreach (Match match in TextUrl().Matches(text))
        {
            var url = TrimTrailingPunctuation(match.Value);
            if (TryAbsolute(url, out var uri))
            {
                links.Add(new SmtpLink(uri, null, inHtml: false));
            }
        }
    }

    /// <summary>
    /// A URL with a scheme. Uri.TryCreate alone is not enough: on Unix it reads a relative path such as <c>/reset</c>
    /// as an absolute <c>file:</c> URI.
    /// </summary>
    private static bool TryAbsolute(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? uri)
    {
        uri = null;
        return text is not null && Scheme().IsMatch(text) && Uri.TryCreate(text, UriKind.Absolute, out uri);
    }

    /// <summary>Sentence punctuation after a URL is not part of it; a closing bracket is, when the URL opened one.</summary>
    private static string TrimTrailingPunctuation(string url)
    {
        while (url.Length > 0)
        {
            var last = url[^1];
            if (last is '.' or ',' or ';' or ':' or '!' or '?' or '\'' or '"'
                || (last == ')' && url.Count(c => c == '(') < url.Count(c => c == ')'))
                || (last == ']' && url.Count(c => c == '[') < url.Count(c => c == ']')))
            {
                url = url[..^1];
                continue;
            }

            break;
        }

        return url;
    }

    private static string HtmlText(string html)
    {
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        var text = new StringBuilder();
        var hidden = 0;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken { Id: HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Head } tag:
                    hidden += tag.IsEndTag ? -1 : tag.IsEmptyElement ? 0 : 1;
                    break;
                case HtmlTagToken:
                    // Tags separate words: "<td>Code</td><td>123456</td>" must not read as "Code123456".
                    text.Append(' ');
                    break;
                case HtmlDataToken data when hidden <= 0:
                    text.Append(data.Data);
                    break;
            }
        }

        return CollapseWhitespace(text.ToString());
    }

    private static string CollapseWhitespace(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TextUrl();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
