namespace SmtpFixture.Policies;

/// <summary>Accepts only known recipients; RCPT TO for any other gets <c>550 5.1.1</c>.</summary>
internal sealed class KnownRecipientsPolicy : SmtpPolicy
{
    private readonly Func<string, bool> _isKnown;

    public KnownRecipientsPolicy(Func<string, bool> isKnown) => _isKnown = isKnown;

    public KnownRecipientsPolicy(IEnumerable<string> addressesOrDomains)
    {
        var addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var domains = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in addressesOrDomains)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(entry, nameof(addressesOrDomains));

            // Checked here, with the grammar the server applies to RCPT TO (UTF-8 allowed, as SMTPUTF8 would): an entry
            // that can never match would otherwise start fine and then refuse everyone with 550.
            if (entry[0] == '@' || !entry.Contains('@', StringComparison.Ordinal))
            {
                var domain = entry[0] == '@' ? entry[1..] : entry;
                ThrowUnless(MailboxSyntax.IsDomain(domain, smtpUtf8: true), entry);
                domains.Add(domain);
            }
            else
            {
                ThrowUnless(MailboxSyntax.IsValid(entry, smtpUtf8: true), entry);
                addresses.Add(entry);
            }
        }

        if (addresses.Count == 0 && domains.Count == 0)
        {
            throw new ArgumentException(
                "KnownRecipients needs at least one mailbox or domain (\"alice@example.com\", \"@example.com\"); with none every recipient would get 550. To decide by code, pass a predicate.",
                nameof(addressesOrDomains));
        }

        _isKnown = address =>
        {
            var at = address.LastIndexOf('@');
            return addresses.Contains(address) || (at >= 0 && domains.Contains(address[(at + 1)..]));
        };
    }

    public override string Name => "KnownRecipients";

    private static void ThrowUnless(bool valid, string entry)
    {
        if (!valid)
        {
            throw new ArgumentException(
                $"KnownRecipients: '{entry}' is neither a mailbox (alice@example.com) nor a domain (@example.com or example.com) in RFC 5321 syntax.",
                "addressesOrDomains");
        }
    }

    public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
        new(_isKnown(context.Address ?? string.Empty) ? SmtpVerdict.Continue : SmtpVerdict.Reply(SmtpReplies.MailboxUnavailable));
}
