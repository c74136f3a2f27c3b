using System.Text;

namespace SmtpFixture.Cli.Http;

/// <summary>
/// A search in Mailpit's syntax: words and "quoted phrases", each a free-text term or a <c>field:value</c> filter
/// (<c>from:</c>, <c>to:</c>, <c>cc:</c>, <c>bcc:</c>, <c>reply-to:</c>, <c>addressed:</c>, <c>subject:</c>,
/// <c>message-id:</c>, <c>tag:</c>, <c>is:read</c>, <c>is:unread</c>, <c>is:tagged</c>, <c>has:attachment</c>,
/// <c>has:inline</c>), negated by a leading <c>-</c> or <c>!</c>. Every term must hold; text matches are
/// case-insensitive substrings, tags match exactly, as in Mailpit.
/// </summary>
internal sealed class MessageQuery
{
    private readonly IReadOnlyList<Term> _terms;

    private MessageQuery(string text, IReadOnlyList<Term> terms)
    {
        Text = text;
        _terms = terms;
    }

    /// <summary>The query that matches every message.</summary>
    public static MessageQuery All { get; } = new(string.Empty, []);

    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string text, out MessageQuery query, out string error)
    {
        query = All;
        error = string.Empty;
        var words = new List<string>();
        var word = new StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                Flush();
            }
            else
            {
                word.Append(c);
            }
        }

        if (quoted)
        {
            error = $"query: the quote opened in '{text}' is not closed.";
            return false;
        }

        Flush();
        var terms = new List<Term>();
        foreach (var w in words)
        {
            var exclude = w.Length > 1 && (w[0] == '-' || w[0] == '!');
            var term = exclude ? w[1..] : w;
            var colon = term.IndexOf(':', StringComparison.Ordinal);
            var field = colon > 0 ? term[..colon].ToLowerInvariant() : string.Empty;
            var value = colon > 0 ? term[(colon + 1)..] : term;
            if (field is "is" or "has")
            {
                var flag = field + ":" + value.ToLowerInvariant();
                if (flag is not ("is:read" or "is:unread" or "is:tagged" or "has:attachment" or "has:attachments" or "has:inline" or "has:inlines"))
                {
                    error = $"query: '{term}' is not a known filter (is:read, is:unread, is:tagged, has:attachment, has:inline).";
                    return false;
                }

                terms.Add(new Term(exclude, flag, string.Empty));
            }
            else if (field is "from" or "to" or "cc" or "bcc" or "reply-to" or "addressed" or "subject" or "message-id" or "tag")
            {
                if (value.Length > 0)
                {
                    terms.Add(new Term(exclude, field, value));
                }
            }
            else
            {
                // Like Mailpit, an unknown prefix such as "http://x" is plain text.
                terms.Add(new Term(exclude, string.Empty, term));
            }
        }

        query = new MessageQuery(text, terms);
        return true;

        void Flush()
        {
            if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
    }

    public bool Matches(MessageFacts message, bool read) => _terms.All(t => t.Matches(message, read) != t.Exclude);

    private sealed record Term(bool Exclude, string Field, string Value)
    {
        public bool Matches(MessageFacts m, bool read) => Field switch
        {
            "from" => Contains(m.From is { } f ? [f] : [], m.Received.Envelope.MailFrom),
            "to" => Contains(m.To, m.Received.Envelope.Recipients.ToArray()),
            "cc" => Contains(m.Cc),
            "bcc" => Contains(m.Bcc),
            "reply-to" => Contains(m.ReplyTo),
            "addressed" => Contains([.. m.To, .. m.Cc, .. m.Bcc, .. m.ReplyTo, .. m.From is { } f ? new[] { f } : []]),
            "subject" => Has(m.Subject),
            "message-id" => Has(m.MessageId),
            "tag" => m.Tags.Contains(Value, StringComparer.Ordinal),
            "is:read" => read,
            "is:unread" => !read,
            "is:tagged" => m.Tags.Count > 0,
            "has:attachment" or "has:attachments" => m.Attachments.Count > 0,
            "has:inline" or "has:inlines" => m.Inline.Count > 0,
            _ => Has(m.Subject) || Has(m.Text) || Has(m.Html) || Contains([.. m.To, .. m.Cc, .. m.Bcc, .. m.From is { } f ? new[] { f } : []]),
        };

        private bool Has(string? text) => text is not null && text.Contains(Value, StringComparison.OrdinalIgnoreCase);

        /// <summary>Name or address of a header mailbox, or an envelope address (to: also finds RCPT TO recipients).</summary>
        private bool Contains(IEnumerable<MailpitAddress> addresses, params string[] envelope) =>
            addresses.Any(a => Has(a.Name) || Has(a.Address)) || envelope.Any(Has);
    }
}
