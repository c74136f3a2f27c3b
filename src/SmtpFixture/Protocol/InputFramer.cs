using System.Buffers;
using System.Text;

namespace SmtpFixture.Protocol;

/// <summary>
/// Splits a session's input into what the protocol reads next: command lines (RFC 5321 §2.3.8, limits checked before
/// anything is parsed), DATA content (dot-unstuffed into the message buffer, RFC 5321 §4.5.2) and BDAT chunks (exactly
/// the declared count, RFC 3030 §2). It knows octets, not meaning; the session decides what a line or a message means.
/// </summary>
internal sealed class InputFramer : IDisposable
{
    /// <summary>
    /// RFC 4954 §4: SASL responses are not bound by the command line limit ("12288 octets is considered to be a
    /// sufficient line length limit"); longer ones fail AUTH with 500. The AUTH line itself gets the same leniency,
    /// since clients do send long initial responses (XOAUTH2 tokens often exceed 512 octets).
    /// </summary>
    public const int AuthLineLimit = 12288;

    private static readonly byte[] AuthPrefix = "AUTH "u8.ToArray();

    private readonly DotUnstuffer _unstuffer = new();
    private bool _discardingLongLine;
    private long _chunkRemaining;
    private bool _keepChunk;

    /// <summary>The content of the message being received (pooled; reused by every message of the session).</summary>
    public MessageBuffer Content { get; } = new();

    /// <summary>Whether the DATA content just ended had a bare LF or bare CR (RFC 5321 §2.3.8).</summary>
    public bool SawBareLf => _unstuffer.SawBareLf;

    /// <inheritdoc cref="SawBareLf"/>
    public bool SawBareCr => _unstuffer.SawBareCr;

    /// <summary>What the byte-level checks need from the DATA content just read (Checks/ContentChecks).</summary>
    public Checks.ContentFindings Findings => _unstuffer.Findings;

    /// <summary>
    /// Takes one command line. A line that exceeds <paramref name="limit"/> octets (CRLF included) is discarded as it
    /// arrives, never buffered past the limit, and reported once its end is seen (RFC 5321 §4.5.3.1.4).
    /// </summary>
    public CommandLine TakeLine(ref ReadOnlySequence<byte> buffer, int limit)
    {
        var lf = buffer.PositionOf((byte)'\n');
        if (lf is null)
        {
            if (buffer.Length >= limit)
            {
                _discardingLongLine = true;
                buffer = buffer.Slice(buffer.End);
            }

            return default;
        }

        var raw = buffer.Slice(0, lf.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
        if (_discardingLongLine || raw.Length + 1 > limit)
        {
            _discardingLongLine = false;
            return new CommandLine(LineKind.TooLong, string.Empty, false, false);
        }

        byte[]? rented = null;
        var length = (int)raw.Length;
        var bytes = length <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(length));
        bytes = bytes[..length];
        raw.CopyTo(bytes);
        var bare = true;
        if (bytes.Length > 0 && bytes[^1] == '\r')
        {
            bytes = bytes[..^1];
            bare = false;
        }

        bare |= bytes.Contains((byte)'\r');
        var hasNul = bytes.Contains((byte)0);
        var text = StrictUtf8.Decode(bytes, out var utf8);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return new CommandLine(LineKind.Command, text, bare, hasNul, utf8);
    }

    /// <summary>
    /// The longest line accepted next, decided from its first octets before anything is parsed: the SASL limit during an
    /// AUTH exchange and for an AUTH line (when AUTH is offered), the command limit plus what the offered extensions'
    /// parameters may add for MAIL and RCPT (RFC 1869 §4.1.2), else the command limit (RFC 5321 §4.5.3.1.4).
    /// </summary>
    public static int LineLimit(in ReadOnlySequence<byte> buffer, bool inSasl, bool authOffered, int commandLimit, int parameterAllowance)
    {
        if (inSasl)
        {
            return AuthLineLimit;
        }

        if (buffer.Length >= AuthPrefix.Length && authOffered)
        {
            Span<byte> start = stackalloc byte[AuthPrefix.Length];
            buffer.Slice(0, AuthPrefix.Length).CopyTo(start);
            if (Ascii.EqualsIgnoreCase(start, AuthPrefix))
            {
                return AuthLineLimit;
            }
        }

        if (buffer.Length >= 5)
        {
            Span<byte> verb = stackalloc byte[5];
            buffer.Slice(0, 5).CopyTo(verb);
            if (Ascii.EqualsIgnoreCase(verb, "MAIL "u8) || Ascii.EqualsIgnoreCase(verb, "RCPT "u8))
            {
                return commandLimit + parameterAllowance;
            }
        }

        return commandLimit;
    }

    /// <summary>Starts DATA content: a new message of at most <paramref name="limit"/> octets (0: none).</summary>
    public void StartData(long limit)
    {
        Content.Start(limit);
        _unstuffer.Reset();
    }

    /// <summary>Takes DATA content; true once the terminating <c>CRLF.CRLF</c> has been consumed.</summary>
    public bool TakeData(ref ReadOnlySequence<byte> buffer)
    {
        var position = buffer.Start;
        foreach (var segment in buffer)
        {
            var used = _unstuffer.Decode(segment.Span, Content, out var done);
            position = buffer.GetPosition(used, position);
            if (done)
            {
                buffer = buffer.Slice(position);
                return true;
            }
        }

        buffer = buffer.Slice(buffer.End);
        return false;
    }

    /// <summary>Starts a BDAT chunk of <paramref name="size"/> octets, appended to <see cref="Content"/> or, when refused, only read.</summary>
    public void StartChunk(long size, bool keep)
    {
        _chunkRemaining = size;
        _keepChunk = keep;
    }

    /// <summary>Takes BDAT chunk octets (RFC 3030: exactly the declared count, no transparency); true when complete.</summary>
    public bool TakeChunk(ref ReadOnlySequence<byte> buffer)
    {
        var take = Math.Min(_chunkRemaining, buffer.Length);
        if (_keepChunk)
        {
            foreach (var segment in buffer.Slice(0, take))
            {
                Content.Append(segment.Span);
            }
        }

        buffer = buffer.Slice(take);
        _chunkRemaining -= take;
        return _chunkRemaining == 0;
    }

    public void Dispose() => Content.Dispose();
}

/// <summary>What <see cref="InputFramer.TakeLine"/> found.</summary>
internal enum LineKind
{
    /// <summary>No complete line yet: only more input can complete it.</summary>
    Incomplete,
    Command,

    /// <summary>A line over the limit, discarded.</summary>
    TooLong,
}

/// <summary>A command line: <see cref="Utf8"/> is false when some octets were not valid UTF-8 (see <see cref="StrictUtf8"/>).</summary>
internal readonly record struct CommandLine(LineKind Kind, string Text, bool BareLineEnding, bool HasNul, bool Utf8 = true);
