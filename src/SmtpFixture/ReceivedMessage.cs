using MimeKit;
using SmtpFixture.Checks;

namespace SmtpFixture;

/// <summary>A message the server accepted with a 250 reply: its envelope, its exact bytes and the parsed MIME message.</summary>
public sealed partial class ReceivedMessage
{
    private readonly byte[] _rawData;
    private readonly CheckSettings? _checks;
    private MimeMessage? _message;
    private IReadOnlyList<SmtpViolation>? _messageViolations;

    internal ReceivedMessage(string id, SmtpEnvelope envelope, byte[] rawData, SmtpSessionInfo session, DateTimeOffset receivedAt, SmtpAttempt attempt, CheckSettings? checks = null, IReadOnlyList<SmtpViolation>? messageViolations = null, MimeMessage? parsed = null)
    {
        _message = parsed;
        _checks = checks;
        _messageViolations = messageViolations;
        Id = id;
        Envelope = envelope;
        _rawData = rawData;
        Session = session;
        ReceivedAt = receivedAt;
        Attempt = attempt;
    }

    /// <summary>The queue id returned in the final <c>250</c> reply.</summary>
    public string Id { get; }

    /// <summary>The SMTP envelope: reverse-path, forward-paths and parameters.</summary>
    public SmtpEnvelope Envelope { get; }

    /// <summary>The message exactly as transmitted, after dot-unstuffing (DATA) or chunk concatenation (BDAT).</summary>
    public ReadOnlyMemory<byte> RawData => _rawData;

    /// <summary>The size of <see cref="RawData"/> in bytes; a <see langword="long"/> like the size limits it is compared with.</summary>
    public long Size => _rawData.LongLength;

    /// <summary>The message parsed by MimeKit; parsed on first use, once.</summary>
    public MimeMessage Message
    {
        get
        {
            if (Volatile.Read(ref _message) is { } parsed)
            {
                return parsed;
            }

            // Parsed once even when threads ask at the same time. No Lazy<T>: with its delegate and helper it would be
            // three more objects (about 130 bytes) kept with every captured message.
            lock (_rawData)
            {
                return _message ??= Parse();
            }
        }
    }

    /// <summary>The session the message arrived in, as it was when the message was accepted.</summary>
    public SmtpSessionInfo Session { get; }

    /// <summary>When the message was accepted, from the server's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>The attempt (transaction) that delivered this message, with every command and reply.</summary>
    public SmtpAttempt Attempt { get; }

    /// <summary>
    /// The rules the sender broke with this message: those of its transaction (bare line endings, undeclared 8-bit
    /// content, …) and those of the message itself (missing Date, leaked Bcc, broken multipart, …), which are checked
    /// on first access unless a rule in <see cref="SmtpCheckMode.Reject"/> mode needed them before the reply.
    /// </summary>
    public IReadOnlyList<SmtpViolation> Violations => [.. Attempt.Violations, .. MessageViolations];

    /// <summary>The message-layer violations only, checked once, on first use.</summary>
    internal IReadOnlyList<SmtpViolation> MessageViolations
    {
        get
        {
            if (Volatile.Read(ref _messageViolations) is { } found)
            {
                return found;
            }

            if (_checks is not { AnyMessageRuleOn: true })
            {
                return [];
            }

            lock (_rawData)
            {
                return _messageViolations ??= MessageChecks.Run(_rawData, Envelope, _checks, Session.SessionId, Id, TryParse);
            }
        }
    }

    /// <summary>The <c>Subject</c> header, read from the parsed message.</summary>
    public string? Subject => Message.Subject;

    /// <summary>The envelope and subject, for failure messages.</summary>
    public override string ToString() => $"{Id}: {Envelope} {DescribeSubject()} ({Size} bytes)";

    // Failure messages (Describe, wait timeouts) list every capture: content that is not MIME (BDAT carries any
    // octets) must not make them throw.
    private string DescribeSubject()
    {
        try
        {
            return "\"" + Subject + "\"";
        }
        catch (FormatException)
        {
            return "(not a MIME message)";
        }
    }

    // Called under the lock that Message takes too (it is re-entrant), so the message is still parsed once.
    private MimeMessage? TryParse()
    {
        try
        {
            return Message;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private MimeMessage Parse()
    {
        using var stream = new MemoryStream(_rawData, writable: false);
        return MimeMessage.Load(stream);
    }
}
