using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmtpFixture.Checks;
using SmtpFixture.Policies;

namespace SmtpFixture.Protocol;

/// <summary>
/// What every session of one server shares: options, store, policies, log and clock. Sessions run over any
/// <see cref="Transport.ISmtpTransport"/>, so tests drive the engine through in-memory pipes without a socket.
/// </summary>
internal sealed class SmtpEngine
{
    private static readonly string ProcessPrefix = Environment.ProcessId.ToString("X", CultureInfo.InvariantCulture);
    private static long s_sessions;
    private static long s_messages;
    private int _transactions;
    // One EHLO reply per (secure, authenticated) state: STARTTLS and AUTH depend on it (RFC 3207 §4.2, RFC 4954 §3).
    private readonly SmtpReply?[] _ehloReplies = new SmtpReply?[4];
    private readonly SmtpReply?[] _helpReplies = new SmtpReply?[4];
    private PolicyChainCache? _policyChain;

    public SmtpEngine(SmtpTestServerOptions options)
    {
        options.Validate();
        Options = options;
        Store = new MessageStore(options.MaxStoredMessages);
        Logger = options.LoggerFactory?.CreateLogger("SmtpFixture") ?? NullLogger.Instance;
        Security = new SmtpSecurity(options);
        Checks = new CheckSettings(options.Checks);
        BuiltInPolicies = options.StrictAddressSyntax ? [Script.Policy, new AddressSyntaxPolicy()] : [Script.Policy];
    }

    public SmtpTestServerOptions Options { get; }

    public MessageStore Store { get; }

    public ILogger Logger { get; }

    public SmtpSecurity Security { get; }

    /// <summary>The mode of every check, as the server started.</summary>
    public CheckSettings Checks { get; }

    /// <summary>The (sender, recipient) pairs refused permanently, for the retry-after-permanent-failure rule.</summary>
    public PermanentFailures PermanentFailures { get; } = new();

    public TimeProvider Time => Options.TimeProvider;

    public SmtpPolicyCollection Policies => Options.Policies;

    /// <summary>The test's script, consulted before every other policy.</summary>
    public SmtpScript Script { get; } = new();

    /// <summary>The script, then the policies the options switch on (strict address syntax), in that order.</summary>
    public SmtpPolicy[] BuiltInPolicies { get; }

    /// <summary>
    /// Every policy a session consults, in order: the built-in ones, then the user's. Rebuilt only when the user's
    /// collection changes (its snapshot is a new array then), so a command costs no allocation here.
    /// </summary>
    public SmtpPolicy[] PolicyChain
    {
        get
        {
            var user = Policies.Snapshot;
            var cache = Volatile.Read(ref _policyChain);
            if (cache is null || !ReferenceEquals(cache.User, user))
            {
                cache = new PolicyChainCache(user, [.. BuiltInPolicies, .. user]);
                Volatile.Write(ref _policyChain, cache);
            }

            return cache.Chain;
        }
    }

    public static string NewSessionId() => "S" + Interlocked.Increment(ref s_sessions).ToString(CultureInfo.InvariantCulture);

    /// <summary>A queue id unique in the process: like a real MTA's, it lets a client's log be matched to a capture.</summary>
    public static string NewMessageId() => ProcessPrefix + Interlocked.Increment(ref s_messages).ToString("X8", CultureInfo.InvariantCulture);

    public int NextTransactionNumber() => Interlocked.Increment(ref _transactions);

    /// <summary>The EHLO reply of a new plaintext session.</summary>
    public SmtpReply EhloReply => GetEhloReply(secure: Security.Mode == SmtpTlsMode.Implicit, authenticated: false);

    /// <summary>The EHLO reply for a session state, built once per state: the extensions depend on the options and on it.</summary>
    public SmtpReply GetEhloReply(bool secure, bool authenticated)
    {
        var index = (secure ? 1 : 0) + (authenticated ? 2 : 0);
        return _ehloReplies[index] ??= BuildEhloReply(secure, authenticated);
    }

    /// <summary>The HELP reply for a session state: it lists STARTTLS and AUTH exactly when EHLO would offer them.</summary>
    public SmtpReply GetHelpReply(bool secure, bool authenticated)
    {
        var index = (secure ? 1 : 0) + (authenticated ? 2 : 0);
        return _helpReplies[index] ??= BuildHelpReply(secure, authenticated);
    }

    public void Reset()
    {
        Store.Reset();
        PermanentFailures.Clear();
        Interlocked.Exchange(ref _transactions, 0);
        foreach (var policy in PolicyChain)
        {
            policy.Reset();
        }
    }

    private SmtpReply BuildEhloReply(bool secure, bool authenticated)
    {
        var o = Options;
        var lines = new List<string> { o.ServerName + " greets you" };
        if (o.AdvertiseSize)
        {
            lines.Add(o.MaxMessageSize > 0 ? "SIZE " + o.MaxMessageSize.ToString(CultureInfo.InvariantCulture) : "SIZE");
        }

        if (o.AdvertisePipelining)
        {
            lines.Add("PIPELINING");
        }

        if (o.Advertise8BitMime)
        {
            lines.Add("8BITMIME");
        }

        if (o.AdvertiseSmtpUtf8)
        {
            lines.Add("SMTPUTF8");
        }

        if (o.AdvertiseEnhancedStatusCodes)
        {
            lines.Add("ENHANCEDSTATUSCODES");
        }

        if (o.AdvertiseChunking)
        {
            lines.Add("CHUNKING");
            if (o.AdvertiseBinaryMime)
            {
                lines.Add("BINARYMIME");
            }
        }

        if (o.AdvertiseDsn)
        {
            lines.Add("DSN");
        }

        // RFC 3207 §4.2: STARTTLS is not offered again once TLS is active.
        if (Security.Mode == SmtpTlsMode.StartTls && !secure)
        {
            lines.Add("STARTTLS");
        }

        // RFC 4954 §4: a second AUTH gets 503, so an authenticated session is not offered it again.
        var mechanisms = string.Join(' ', Security.Advertised(secure));
        if (!authenticated && mechanisms.Length > 0)
        {
            lines.Add("AUTH " + mechanisms);
        }

        lines.Add("HELP");
        return new SmtpReply(250, null, [.. lines]);
    }

    private SmtpReply BuildHelpReply(bool secure, bool authenticated)
    {
        var commands = "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP";
        if (Security.Mode == SmtpTlsMode.StartTls && !secure)
        {
            commands += " STARTTLS";
        }

        if (!authenticated && Security.Advertised(secure).Any())
        {
            commands += " AUTH";
        }

        return new SmtpReply(214, "2.0.0", commands, "See RFC 5321");
    }

    private sealed record PolicyChainCache(SmtpPolicy[] User, SmtpPolicy[] Chain);
}
