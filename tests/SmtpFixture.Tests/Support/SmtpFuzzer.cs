using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SmtpFixture.Protocol;
using SmtpFixture.Transport;

namespace SmtpFixture.Tests.Support;

/// <summary>
/// Generates and mutates SMTP client byte streams and runs each through one <see cref="SmtpSession"/> over inline
/// in-memory pipes (no threads, no sockets: thousands of sessions a second). Checks, per stream: the session ends
/// once the client closes its side (never hangs), no engine exception, every reply line well formed (RFC 5321 §4.2),
/// multi-line replies consistent, nothing after a closing 221/421, every attempt finished, and every "queued" reply
/// matched by a stored message. Shared by the bounded test in the suite and the long-running harness (tests/SmtpFixture.Fuzz).
/// </summary>
internal sealed class SmtpFuzzer
{
    private static readonly string[] Domains = ["client.example", "[192.0.2.1]", "[IPv6:2001:db8::1]", "exämple.com", "", "a", "-bad-", "x.y.z.example"];
    private static readonly string[] Addresses = ["a@example.com", "", "bob@[192.0.2.1]", "\"quoted local\"@example.com", "jörg@example.com", "no-at-sign", "@example.com", "a@", "a@b@c", "x" + new string('y', 300) + "@example.com"];
    private static readonly string[] MailParameters = ["SIZE=100", "SIZE=999999999999", "SIZE=", "BODY=7BIT", "BODY=8BITMIME", "BODY=BINARYMIME", "BODY=JUNK", "SMTPUTF8", "SMTPUTF8=yes", "RET=FULL", "RET=NONE", "ENVID=abc", "AUTH=<>", "X-UNKNOWN=1", "=x", "SIZE=1 SIZE=2"];
    private static readonly string[] RcptParameters = ["NOTIFY=SUCCESS,FAILURE", "NOTIFY=NEVER", "NOTIFY=NEVER,SUCCESS", "ORCPT=rfc822;a@example.com", "ORCPT=bad", "X=1"];
    private static readonly string[] Verbs = ["RSET", "NOOP", "VRFY a", "VRFY", "HELP", "EXPN list", "STARTTLS", "AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=", "AUTH LOGIN", "TURN", "DATA x", "BDAT", "BDAT x", "BDAT -1", "MAIL", "RCPT", "", " ", "noop", "QUIT now"];
    private static readonly string[] ContentLines = [".", "..", ". ", ".\n", "\n.\n", "\r.\r", "\r\n.\n", "\n.\r\n", ".\r", "From: a@example.com", "Subject: fuzz", "", "\0", "\u00ff\u00fe", "MAIL FROM:<evil@example.com>", "....."];
    private static readonly byte[] Specials = "\r\n\0. :<>=\"\\@"u8.ToArray().Append((byte)0xFF).Append((byte)0xC3).Append((byte)0x7F).ToArray();

    private readonly ConcurrentQueue<string> _engineErrors = new();
    private readonly SmtpTestServerOptions[] _variants;
    private long _replies;
    private long _messages;
    private long _closed;

    public SmtpFuzzer()
    {
        var time = new FakeTimeProvider();
        var logger = new ErrorCollector(_engineErrors);
        SmtpTestServerOptions Make(Action<SmtpTestServerOptions>? configure = null)
        {
            var o = new SmtpTestServerOptions { TimeProvider = time, LoggerFactory = logger, MaxMessageSize = 64 * 1024 };
            configure?.Invoke(o);
            return o;
        }

        _variants =
        [
            Make(),
            Make(o => o.RejectBareLineEndings = true),
            Make(o => (o.MaxBadCommands, o.MaxRecipients, o.MaxMessageSize, o.MaxCommandLength) = (3, 2, 200, 64)),
            Make(o => (o.AdvertiseSmtpUtf8, o.AdvertiseChunking, o.AdvertiseEnhancedStatusCodes, o.AdvertiseDsn) = (false, false, false, false)),
            Make(o => (o.Advertise8BitMime, o.AdvertiseBinaryMime, o.AdvertiseSize, o.MaxBadCommands) = (false, false, false, 0)),
        ];
    }

    public int VariantCount => _variants.Length;

    /// <summary>Replies and stored messages seen so far: shows that the streams reach deep into the protocol.</summary>
    public (long Replies, long Messages, long Closed) Stats => (_replies, _messages, _closed);

    /// <summary>The stream for case <paramref name="index"/> of <paramref name="seed"/>: generated, and for half of the cases mutated.</summary>
    public static byte[] MakeCase(int seed, long index, out Random random)
    {
        random = new Random(unchecked((int)(seed * 1_000_003L + index * 7919L)));
        var stream = Generate(random);
        return random.Next(2) == 0 ? stream : Mutate(stream, random);
    }

    /// <summary>A plausible client conversation with mistakes: the grammar-aware half of the fuzzer.</summary>
    public static byte[] Generate(Random r)
    {
        var s = new MemoryStream();
        void Line(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            s.Write(bytes);
            s.Write(r.Next(20) switch { 0 => "\n"u8, 1 => "\r"u8, 2 => "\r\r\n"u8, _ => "\r\n"u8 });
        }

        string Pick(string[] items) => items[r.Next(items.Length)];
        string Params(string[] items) => r.Next(3) == 0 ? string.Empty : " " + string.Join(' ', Enumerable.Range(0, r.Next(1, 3)).Select(_ => Pick(items)));

        if (r.Next(4) != 0)
        {
            Line((r.Next(4) == 0 ? "HELO " : "EHLO ") + Pick(Domains));
        }

        var steps = r.Next(1, 16);
        for (var i = 0; i < steps; i++)
        {
            switch (r.Next(15))
            {
                case 12:
                case 13:
                    // A well-formed transaction, so that the streams reach the end of data and the store often.
                    Line("MAIL FROM:<" + Pick(["a@example.com", "", "jörg@example.com"]) + ">" + (r.Next(3) == 0 ? " SMTPUTF8" : string.Empty));
                    Line("RCPT TO:<b@example.com>");
                    if (r.Next(2) == 0)
                    {
                        Line("DATA");
                        for (var n = r.Next(0, 8); n > 0; n--)
                        {
                            Line(r.Next(4) == 0 ? Pick(ContentLines) : RandomText(r, r.Next(0, 100)));
                        }

                        s.Write(".\r\n"u8);
                    }
                    else
                    {
                        var body = Encoding.UTF8.GetBytes(RandomText(r, r.Next(0, 200)));
                        Line("BDAT " + body.Length + " LAST");
                        s.Write(body);
                    }

                    break;
                case 14:
                    Line("RSET");
                    break;
                case 0:
                    Line((r.Next(3) == 0 ? "HELO " : "EHLO ") + Pick(Domains));
                    break;
                case 1:
                case 2:
                    Line(Pick(["MAIL FROM:<", "mail from:<", "MAIL FROM: <", "MAIL FROM:"]) + Pick(Addresses) + (r.Next(8) == 0 ? string.Empty : ">") + Params(MailParameters));
                    break;
                case 3:
                case 4:
                    Line(Pick(["RCPT TO:<", "rcpt to:<", "RCPT TO: <", "RCPT TO:"]) + Pick(Addresses) + (r.Next(8) == 0 ? string.Empty : ">") + Params(RcptParameters));
                    break;
                case 5:
                    Line("DATA");
                    for (var n = r.Next(0, 12); n > 0; n--)
                    {
                        Line(r.Next(3) == 0 ? Pick(ContentLines) : RandomText(r, r.Next(0, 120)));
                    }

                    if (r.Next(6) != 0)
                    {
                        s.Write(r.Next(5) == 0 ? Encoding.ASCII.GetBytes(Pick(["\n.\n", "\r.\r", ".\n", "\r\n.\n"])) : ".\r\n"u8);
                    }

                    break;
                case 6:
                    var size = r.Next(50) == 0 ? r.Next(0, 70_000) : r.Next(0, 300);
                    var actual = r.Next(6) == 0 ? Math.Max(0, size + r.Next(-5, 6)) : size;
                    Line("BDAT " + size + (r.Next(2) == 0 ? " LAST" : string.Empty));
                    var chunk = new byte[actual];
                    r.NextBytes(chunk);
                    s.Write(chunk);
                    break;
                case 7:
                    Line(RandomText(r, r.Next(0, r.Next(10) == 0 ? 2000 : 80)));
                    break;
                default:
                    Line(Pick(Verbs));
                    break;
            }
        }

        if (r.Next(3) != 0)
        {
            Line("QUIT");
        }

        return s.ToArray();
    }

    /// <summary>Byte-level damage: flips, special bytes, deletions, duplications.</summary>
    public static byte[] Mutate(byte[] input, Random r)
    {
        var bytes = new List<byte>(input);
        for (var n = r.Next(1, 8); n > 0; n--)
        {
            var at = bytes.Count == 0 ? 0 : r.Next(bytes.Count);
            switch (r.Next(5))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] = (byte)r.Next(256);
                    break;
                case 1:
                    bytes.Insert(at, Specials[r.Next(Specials.Length)]);
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, r.Next(1, 32)));
                    break;
                case 3 when bytes.Count > 0:
                    var length = Math.Min(bytes.Count - at, r.Next(1, 200));
                    bytes.InsertRange(r.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                default:
                    bytes.InsertRange(at, "\r\n.\r\n"u8.ToArray().AsSpan(0, r.Next(1, 6)).ToArray());
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Runs one stream through a fresh session (split at random points); returns null if all is well, else what went wrong.</summary>
    public async Task<string?> RunAsync(ReadOnlyMemory<byte> input, int variant, Random random)
    {
        var inline = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false);
        var toServer = new Pipe(inline);
        var toClient = new Pipe(inline);
        var engine = new SmtpEngine(_variants[variant]);
        var session = new SmtpSession(engine, new PipeTransport(new DuplexPipe(toServer.Reader, toClient.Writer)), new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 25));
        var errorsBefore = _engineErrors.Count;
        Task run;
        using (var shutdown = new CancellationTokenSource())
        {
            run = session.RunAsync(shutdown.Token);
            var offset = 0;
            while (offset < input.Length && !run.IsCompleted)
            {
                var take = Math.Min(input.Length - offset, random.Next(4) == 0 ? random.Next(1, 8) : random.Next(1, 4096));
                await toServer.Writer.WriteAsync(input.Slice(offset, take));
                offset += take;
            }

            await toServer.Writer.CompleteAsync();
            try
            {
                await run.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                await shutdown.CancelAsync();
                return "the session did not end after the client closed its side (hang)";
            }
            catch (Exception ex)
            {
                return "RunAsync threw: " + ex;
            }
        }

        if (_engineErrors.Count != errorsBefore)
        {
            return "the engine logged an error: " + string.Join(Environment.NewLine, _engineErrors.Skip(errorsBefore));
        }

        await toClient.Writer.CompleteAsync();
        toClient.Reader.TryRead(out var result);
        var output = System.Buffers.BuffersExtensions.ToArray(result.Buffer);
        toClient.Reader.AdvanceTo(result.Buffer.End);
        var problem = CheckReplies(output, out var queued, out var replies, out var closed);
        _replies += replies;
        _messages += queued;
        _closed += closed ? 1 : 0;
        if (problem is not null)
        {
            return problem + Environment.NewLine + "Output: " + Escape(output);
        }

        if (engine.Store.Messages.Count != queued)
        {
            return $"{queued} messages were answered 'queued' but {engine.Store.Messages.Count} were stored";
        }

        var unfinished = engine.Store.Attempts.FirstOrDefault(a => a.Outcome == SmtpAttemptOutcome.InProgress);
        return unfinished is null ? null : "an attempt was left in progress after the session ended: " + unfinished;
    }

    /// <summary>Every reply line: <c>^[2-5][0-9]{2}[ -]</c>, printable ASCII, CRLF-terminated; multi-line codes agree; nothing after 221/421.</summary>
    public static string? CheckReplies(ReadOnlySpan<byte> output, out int queued, out int replies, out bool closed)
    {
        queued = 0;
        replies = 0;
        string? continuedCode = null;
        var first = true;
        closed = false;
        while (!output.IsEmpty)
        {
            var end = output.IndexOf("\r\n"u8);
            if (end < 0)
            {
                return "a reply line does not end with CRLF";
            }

            var line = output[..end];
            output = output[(end + 2)..];
            if (closed)
            {
                return "a reply followed the closing reply";
            }

            if (line.Length < 4 || line[0] is < (byte)'2' or > (byte)'5' || !char.IsAsciiDigit((char)line[1]) || !char.IsAsciiDigit((char)line[2]) || line[3] is not ((byte)' ' or (byte)'-'))
            {
                return "malformed reply line: " + Escape(line);
            }

            foreach (var b in line)
            {
                if (b is < 0x20 or > 0x7E)
                {
                    return "a reply line contains a byte outside printable ASCII: " + Escape(line);
                }
            }

            var text = Encoding.ASCII.GetString(line);
            var code = text[..3];
            if (continuedCode is not null && code != continuedCode)
            {
                return "a multi-line reply changes its code: " + text;
            }

            // An enhanced status code (RFC 3463) has the class of the reply code.
            var rest = text[4..];
            if (rest.Length > 1 && char.IsAsciiDigit(rest[0]) && rest[1] == '.' && rest[0] != code[0])
            {
                return "the enhanced status code's class differs from the reply code: " + text;
            }

            if (first && line[3] == ' ' && code != "220")
            {
                return "the greeting is not 220: " + text;
            }

            if (line[3] == '-')
            {
                continuedCode = code;
                continue;
            }

            continuedCode = null;
            first = false;
            replies++;
            closed = code is "221" or "421";
            if (code == "250" && text.Contains(" OK queued as ", StringComparison.Ordinal))
            {
                queued++;
            }
        }

        return continuedCode is null ? null : "the output ends inside a multi-line reply";
    }

    public static string Escape(ReadOnlySpan<byte> bytes, int max = 3000)
    {
        var text = new StringBuilder();
        foreach (var b in bytes[..Math.Min(bytes.Length, max)])
        {
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:X2}",
            });
        }

        return bytes.Length > max ? text.Append($"… ({bytes.Length} bytes)").ToString() : text.ToString();
    }

    private static string RandomText(Random r, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = r.Next(40) == 0 ? (char)r.Next(0, 256) : (char)r.Next(32, 127);
        }

        return new string(chars);
    }

    /// <summary>Collects what the engine logs at Error (a session that failed, i.e. an engine bug); nothing else is enabled.</summary>
    private sealed class ErrorCollector(ConcurrentQueue<string> errors) : ILoggerFactory, ILogger
    {
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            errors.Enqueue(formatter(state, exception) + " " + exception);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }
}
