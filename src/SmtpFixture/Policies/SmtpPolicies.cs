namespace SmtpFixture.Policies;

/// <summary>
/// The built-in policies, each a one-liner to add: <c>o.Policies.Add(SmtpPolicies.Greylisting(TimeSpan.FromMinutes(5)))</c>.
/// Each is safe to share between sessions, records its name in <see cref="SmtpExchange.AnsweredBy"/> when it answers,
/// and forgets its state on <see cref="SmtpTestServer.Reset"/>.
/// </summary>
public static class SmtpPolicies
{
    /// <summary>
    /// Greylisting (RFC 6647), named <c>Greylisting</c>: the first RCPT TO of a new (client IP, reverse-path,
    /// forward-path) triplet gets <c>450 4.7.1 Greylisted, try again later</c>, and so does every retry before
    /// <paramref name="minimumDelay"/> has passed since that first one; later retries are accepted. Time comes from
    /// the server's <see cref="TimeProvider"/>, so a test advances a <c>FakeTimeProvider</c> instead of sleeping.
    /// </summary>
    /// <param name="minimumDelay">How long after its first attempt a triplet is accepted.</param>
    /// <param name="expiry">
    /// How long a triplet not seen is remembered (pending or accepted); after that it counts as new again.
    /// <see langword="null"/> (the default) remembers it until <see cref="SmtpTestServer.Reset"/>.
    /// </param>
    /// <param name="key">
    /// What is greylisted instead of the triplet, e.g. <c>c =&gt; c.Session.RemoteAddress!.ToString()</c> for a whole
    /// client; compared ignoring case.
    /// </param>
    public static SmtpPolicy Greylisting(TimeSpan minimumDelay, TimeSpan? expiry = null, Func<SmtpPolicyContext, string>? key = null) =>
        new GreylistingPolicy(minimumDelay, expiry, key);

    /// <summary>
    /// Rate limiting, named <c>RateLimit</c>: at most <paramref name="limit"/> units per sliding
    /// <paramref name="window"/> for each client address, sender or authenticated identity. Messages are counted at
    /// MAIL FROM as attempts, delivered or not (as Postfix's anvil counts them: with greylisting in front, each
    /// greylisted try uses up one), recipients at RCPT TO, connections at connect (per client address) or at a session's first MAIL FROM
    /// (per sender or identity). Over the limit the client gets <c>421 4.7.0 Rate limit exceeded, closing transmission
    /// channel</c> and the connection is closed; with <paramref name="closeConnection"/> off it gets
    /// <c>450 4.7.0 Rate limit exceeded, try again later</c> (messages, and every MAIL FROM of a connection over the
    /// limit) or <c>452 4.5.3 Too many recipients</c> (recipients). Refused units are not counted.
    /// </summary>
    /// <param name="limit">How many units are accepted per window; at least 1.</param>
    /// <param name="window">The length of the sliding window, on the server's <see cref="TimeProvider"/>.</param>
    /// <param name="unit">What is counted; <see cref="RateLimitUnit.Messages"/> counts message attempts (MAIL FROM commands), not deliveries.</param>
    /// <param name="scope">Whose units are counted together; sessions without an identity are not limited per identity.</param>
    /// <param name="closeConnection">Whether to answer 421 and close (the default, as Postfix does) or refuse and keep the session.</param>
    public static SmtpPolicy RateLimit(
        int limit,
        TimeSpan window,
        RateLimitUnit unit = RateLimitUnit.Messages,
        RateLimitScope scope = RateLimitScope.ClientAddress,
        bool closeConnection = true) =>
        new RateLimitPolicy(limit, window, unit, scope, closeConnection);

    /// <summary>
    /// Known recipients only, named <c>KnownRecipients</c>: RCPT TO for any other address gets
    /// <c>550 5.1.1 Recipient address rejected: User unknown</c>. Comparison ignores case.
    /// </summary>
    /// <param name="addressesOrDomains">
    /// Mailboxes (<c>alice@example.com</c>) and domains: an entry starting with <c>@</c> or without <c>@</c>
    /// (<c>@example.com</c>, <c>example.org</c>) accepts every mailbox of that domain. At least one; each in RFC 5321 syntax.
    /// </param>
    /// <exception cref="ArgumentException">No entry was given, or an entry is neither a mailbox nor a domain.</exception>
    public static SmtpPolicy KnownRecipients(params string[] addressesOrDomains)
    {
        ArgumentNullException.ThrowIfNull(addressesOrDomains);
        return new KnownRecipientsPolicy(addressesOrDomains);
    }

    /// <summary>
    /// Known recipients only, named <c>KnownRecipients</c>: RCPT TO for an address <paramref name="isKnown"/> rejects
    /// gets <c>550 5.1.1 Recipient address rejected: User unknown</c>.
    /// </summary>
    /// <param name="isKnown">Decides from the forward-path; called concurrently, so it must be thread-safe.</param>
    public static SmtpPolicy KnownRecipients(Func<string, bool> isKnown)
    {
        ArgumentNullException.ThrowIfNull(isKnown);
        return new KnownRecipientsPolicy(isKnown);
    }

    /// <summary>
    /// The strict RFC 5321 §4.1.2 mailbox grammar, named <c>AddressSyntax</c>: a dot-string or quoted-string local part
    /// of at most 64 octets, then a domain of letter-digit-hyphen labels or an address literal (<c>[192.0.2.1]</c>,
    /// <c>[IPv6:2001:db8::1]</c>); non-ASCII only when MAIL FROM carried SMTPUTF8 (RFC 6531). Others get
    /// <c>553 5.1.7 Bad sender address syntax</c> at MAIL FROM and <c>553 5.1.3 Bad recipient address syntax</c> at
    /// RCPT TO. Servers apply it already unless <see cref="SmtpTestServerOptions.StrictAddressSyntax"/> is off.
    /// </summary>
    public static SmtpPolicy AddressSyntax() => new AddressSyntaxPolicy();

    /// <summary>
    /// A size limit, named <c>MaxMessageSize</c>: <c>552 5.3.4 Message size exceeds fixed maximum message size</c> at
    /// MAIL FROM when the declared SIZE (RFC 1870) is larger than <paramref name="bytes"/>, or at the end of the
    /// message when the content is (nothing is captured then). It does not change the SIZE the server advertises.
    /// </summary>
    /// <param name="bytes">The largest message accepted, in octets.</param>
    public static SmtpPolicy MaxMessageSize(long bytes) => new MaxMessageSizePolicy(bytes);

    /// <summary>
    /// A recipient limit, named <c>MaxRecipients</c>: each RCPT TO after <paramref name="max"/> accepted recipients
    /// gets <c>452 4.5.3 Too many recipients</c>; the transaction goes on with those accepted.
    /// </summary>
    /// <param name="max">How many recipients a transaction may have; at least 1.</param>
    public static SmtpPolicy MaxRecipients(int max) => new MaxRecipientsPolicy(max);

    /// <summary>
    /// Authentication required, named <c>RequireAuthentication</c>: MAIL FROM from a session that has not
    /// authenticated (<see cref="SmtpSessionInfo.AuthenticatedUser"/> is null) gets <c>530 5.7.0 Authentication required</c>.
    /// </summary>
    public static SmtpPolicy RequireAuthentication() => new RequireAuthenticationPolicy();

    /// <summary>
    /// TLS required, named <c>RequireTls</c>: MAIL FROM outside TLS (<see cref="SmtpSessionInfo.IsSecure"/> is false)
    /// gets <c>530 5.7.0 Must issue a STARTTLS command first</c>.
    /// </summary>
    public static SmtpPolicy RequireTls() => new RequireTlsPolicy();
}
