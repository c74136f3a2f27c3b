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
        ParameterLineAllowance = EsmtpExtensions.LineAllowance(options);
        // The limits the options set are the built-in policies that implement them, so that each limit has one
        // implementation and a refusal names it. RequireTls and RequireAuthentication are gates: they run before
        // MAIL FROM is parsed (RFC 3207 §4: nothing but NOOP, EHLO, STARTTLS and QUIT before TLS). The size and
        // recipient limits run first in the chain, where the server checked them before the script.
        Gates = [.. Limit(options.RequireTls, () => new RequireTlsPolicy()), .. Limit(options.RequireAuthentication, () => new RequireAuthenticationPolicy())];
        MaxMessageSize = options.MaxMessageSize > 0 ? new MaxMessageSizePolicy(options.MaxMessageSize) : null;
        BuiltInPolicies =
        [
            new MaxRecipientsPolicy(options.MaxRecipients),
            .. Limit(MaxMessageSize is not null, () => MaxMessageSize!),
            Script.Policy,
            .. Limit(options.StrictAddressSyntax, () => new AddressSyntaxPolicy()),
        ];
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

    /// <summary>The limits the options set (recipients, size), the script, then strict address syntax, in that order.</summary>
    public SmtpPolicy[] BuiltInPolicies { get; }

    /// <summary>The policies that decide MAIL FROM before it is parsed: TLS and authentication required by the options.</summary>
    public SmtpPolicy[] Gates { get; }

    /// <summary>The size limit of the options (also asked when content outgrows its buffer), or <see langword="null"/> without one.</summary>
    public MaxMessageSizePolicy? MaxMessageSize { get; }

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

    /// <summary>The EHLO reply for a session state, built once per state: the extensions depend on the options and on it.</summary>
    public SmtpReply GetEhloReply(bool secure, bool authenticated)
    {
        var index = (secure ? 1 : 0) + (authenticated ? 2 : 0);
        return _ehloReplies[index] ??= EsmtpExtensions.EhloReply(Scope(secure, authenticated));
    }

    /// <summary>The HELP reply for a session state: it lists STARTTLS and AUTH exactly when EHLO would offer them.</summary>
    public SmtpReply GetHelpReply(bool secure, bool authenticated)
    {
        var index = (secure ? 1 : 0) + (authenticated ? 2 : 0);
        return _helpReplies[index] ??= EsmtpExtensions.HelpReply(Scope(secure, authenticated));
    }

    /// <summary>How much longer than <see cref="SmtpTestServerOptions.MaxCommandLength"/> a MAIL or RCPT line may be (RFC 5321 §4.5.3.1.4).</summary>
    public int ParameterLineAllowance { get; }

    /// <summary>What the extension table judges against in a session state.</summary>
    public EsmtpScope Scope(bool secure, bool authenticated) => new(Options, Security, secure, authenticated);

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

    private static SmtpPolicy[] Limit(bool on, Func<SmtpPolicy> create) => on ? [create()] : [];

    private sealed record PolicyChainCache(SmtpPolicy[] User, SmtpPolicy[] Chain);
}
