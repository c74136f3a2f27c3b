using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;

namespace SmtpFixture.Cli;

/// <summary>
/// Prints what the server does, as text or as one JSON object per line. Events are queued and written by one task,
/// so a slow reader of standard output never stalls an SMTP session, and lines never interleave. A message's lines are
/// also formatted by that task (see <see cref="Message"/>).
/// </summary>
internal sealed class EventSink : IAsyncDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // The output is read by programs and people, not embedded in HTML: keep '<', '>' and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly bool _json;
    // A line, or a message whose lines the writer formats (see Message).
    private readonly Channel<object> _lines = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public EventSink(TextWriter output, TextWriter error, bool json)
    {
        _output = output;
        _error = error;
        _json = json;
        _writer = Task.Run(WriteLinesAsync);
    }

    public void Listening(SmtpTestServer server, string security, int? httpPort)
    {
        if (_json)
        {
            Emit(w =>
            {
                w.WriteString("event", "listening");
                w.WriteString("host", server.Host);
                w.WriteNumber("port", server.Port);
                w.WriteString("security", security);
                w.WriteString("tls", server.Options.Tls switch { SmtpTlsMode.StartTls => "starttls", SmtpTlsMode.Implicit => "implicit", _ => "none" });
                w.WriteBoolean("auth", server.Options.Users.Count > 0);
                if (httpPort is { } port)
                {
                    w.WriteNumber("httpPort", port);
                }

                if (server.Certificate is { } certificate)
                {
                    w.WriteString("certificateThumbprint", certificate.Thumbprint);
                }
            });
        }
        else
        {
            var endPoint = server.EndPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? $"[{server.Host}]:{server.Port}"
                : $"{server.Host}:{server.Port}";
            var pin = server.Certificate is { } certificate ? $" Certificate SHA-1 thumbprint: {certificate.Thumbprint}." : string.Empty;
            var http = httpPort is { } port
                ? string.Create(CultureInfo.InvariantCulture, $"; HTTP API and web inbox on http://{(server.EndPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{server.Host}]" : server.Host)}:{port}/ (httpPort {port})")
                : string.Empty;
            _lines.Writer.TryWrite($"smtp-fixture listening on {endPoint} ({security}){http}; press Ctrl-C to stop.{pin}");
        }
    }

    /// <summary>
    /// Queues the lines of an accepted message: its message-layer violations, then the message. They are formatted by
    /// the writer task, in queue order: this runs on the session's thread before the client gets its 250, and reading
    /// the header, checking the message and writing JSON there would put that work between the final dot and the reply.
    /// </summary>
    public void Message(ReceivedMessage message, string? emlPath) =>
        _lines.Writer.TryWrite(new QueuedMessage(message, emlPath));

    private IEnumerable<string> LinesOf(QueuedMessage queued)
    {
        var (message, emlPath) = queued;
        var headers = HeadersOf(message);
        var subject = headers?[MimeKit.HeaderId.Subject];

        if (!_json)
        {
            var saved = emlPath is null ? string.Empty : ", saved as " + emlPath;
            yield return string.Create(
                CultureInfo.InvariantCulture,
                $"message {message.Id} {message.Envelope} \"{subject}\" ({message.Size} bytes{saved})");
            yield break;
        }

        // Message-layer rules are checked on demand: here, so that their events come before the message's.
        var violations = message.Violations;
        foreach (var violation in violations.Where(v => v.RuleInfo.IsMessageLevel))
        {
            yield return Json(w => CheckOptions.WriteViolation(w, violation));
        }

        yield return Json(w =>
        {
            w.WriteString("event", "message");
            w.WriteString("id", message.Id);
            w.WriteString("from", message.Envelope.MailFrom);
            w.WriteStartArray("to");
            foreach (var recipient in message.Envelope.Recipients)
            {
                w.WriteStringValue(recipient);
            }

            w.WriteEndArray();
            w.WriteString("subject", subject);
            w.WriteNumber("size", message.Size);
            if (emlPath is not null)
            {
                w.WriteString("eml", emlPath);
            }

            w.WriteString("client", Client(message.Session));
            w.WriteString("session", message.Session.SessionId);
            w.WriteString("receivedAt", message.ReceivedAt);
            WriteDkim(w, message, signed: headers?.Contains(MimeKit.HeaderId.DkimSignature) == true);
            w.WriteStartArray("violations");
            foreach (var rule in violations.Select(v => v.Rule).Distinct())
            {
                w.WriteStringValue(rule);
            }

            w.WriteEndArray();
        });
    }

    public void Refused(SmtpCommandRefusedEventArgs refusal)
    {
        var exchange = refusal.Exchange;
        var address = AddressOf(exchange);
        if (_json)
        {
            Emit(w =>
            {
                w.WriteString("event", "refused");
                w.WriteString("stage", exchange.Stage.ToString());
                w.WriteString("address", address);
                w.WriteString("command", exchange.Command);
                w.WriteString("reply", exchange.Reply.ToString());
                w.WriteNumber("code", exchange.Reply.Code);
                w.WriteString("by", exchange.AnsweredBy);
                w.WriteString("client", Client(refusal.Session));
                w.WriteString("session", refusal.Session.SessionId);
            });
        }
        else
        {
            var by = exchange.AnsweredBy is null ? string.Empty : $" [{exchange.AnsweredBy}]";
            _lines.Writer.TryWrite($"refused {exchange.Stage} {exchange.Command} -> {exchange.Reply}{by} (client {Client(refusal.Session)})");
        }
    }

    public void Violation(SmtpFixture.Checks.SmtpViolation violation)
    {
        if (_json)
        {
            Emit(w => CheckOptions.WriteViolation(w, violation));
        }
        else
        {
            _lines.Writer.TryWrite(CheckOptions.Describe(violation));
        }
    }

    public void Stopped(SmtpTestServer server)
    {
        var accepted = server.Messages.Count + server.EvictedMessageCount;
        if (_json)
        {
            Emit(w =>
            {
                w.WriteString("event", "stopped");
                w.WriteNumber("messages", accepted);
            });
        }
        else
        {
            _lines.Writer.TryWrite(string.Create(CultureInfo.InvariantCulture, $"smtp-fixture stopped after accepting {accepted} message(s)."));
        }
    }

    /// <summary>Writes every queued line, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    /// <summary>The address a MAIL FROM or RCPT TO command named, without angle brackets; otherwise <see langword="null"/>.</summary>
    internal static string? AddressOf(SmtpExchange exchange)
    {
        if (exchange.Stage is not (SmtpStage.MailFrom or SmtpStage.RcptTo))
        {
            return null;
        }

        var command = exchange.Command;
        var open = command.IndexOf('<', StringComparison.Ordinal);
        var close = open < 0 ? -1 : command.IndexOf('>', open + 1);
        if (open >= 0 && close > open)
        {
            return command[(open + 1)..close];
        }

        // A path without brackets (a syntax error the server refused): report what followed the colon.
        var colon = command.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        var rest = command[(colon + 1)..].Trim();
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? rest : rest[..space];
    }

    /// <summary>
    /// The header section alone, for the subject and to see whether there is a DKIM signature to verify.
    /// <see cref="ReceivedMessage.Subject"/> would parse the whole message (every body part of a 100 KiB message) and
    /// keep the parse with the stored message: most of the tool's CPU per message (issue 16's profile), and garbage that
    /// the stored messages keep alive into gen 2. Null when the bytes are not MIME.
    /// </summary>
    private static MimeKit.HeaderList? HeadersOf(ReceivedMessage message)
    {
        try
        {
            using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(message.RawData, out var bytes)
                ? new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false)
                : new MemoryStream(message.RawData.ToArray(), writable: false);
            return MimeKit.HeaderList.Load(stream);
        }
        catch (FormatException)
        {
            // Accepted bytes need not be valid MIME; the message is still reported.
            return null;
        }
    }

    /// <summary>One verdict per DKIM-Signature, checked with the --dkim-key keys: <c>[{"domain","selector","result","reason"}]</c>.</summary>
    private static void WriteDkim(Utf8JsonWriter w, ReceivedMessage message, bool signed)
    {
        IReadOnlyList<Dkim.SmtpDkimResult> results;
        try
        {
            // Verifying parses the whole message: only for a message that carries a signature.
            results = signed ? message.VerifyDkim() : [];
        }
        catch (FormatException)
        {
            results = [];
        }

        w.WriteStartArray("dkim");
        foreach (var result in results)
        {
            w.WriteStartObject();
            w.WriteString("domain", result.Domain);
            w.WriteString("selector", result.Selector);
            w.WriteString("result", result.IsValid ? "pass" : "fail");
            w.WriteString("reason", result.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static string Client(SmtpSessionInfo session) =>
        session.RemoteEndPoint is IPEndPoint ip ? ip.Address.ToString() : session.RemoteEndPoint.ToString() ?? string.Empty;

    private void Emit(Action<Utf8JsonWriter> write) => _lines.Writer.TryWrite(Json(write));

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task WriteLinesAsync()
    {
        // One flush (one write system call) per batch of queued lines rather than per line, and a millisecond's pause
        // after each batch: at thousands of messages a second the sessions then queue lines without waking this task
        // (a thread-pool wake-up and a write per message were a fifth of the tool's CPU), while a reader still sees
        // every line within about a millisecond.
        while (await _lines.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_lines.Reader.TryRead(out var item))
            {
                if (item is QueuedMessage message)
                {
                    List<string> lines;
                    try
                    {
                        lines = [.. LinesOf(message)];
                    }
                    catch (Exception ex)
                    {
                        // The writer must outlive one message it cannot describe: every later event still gets out.
                        await _error.WriteLineAsync($"smtp-fixture: could not report message {message.Message.Id}: {ex.Message}").ConfigureAwait(false);
                        continue;
                    }

                    foreach (var line in lines)
                    {
                        await _output.WriteLineAsync(line).ConfigureAwait(false);
                    }
                }
                else
                {
                    await _output.WriteLineAsync((string)item).ConfigureAwait(false);
                }
            }

            await _output.FlushAsync().ConfigureAwait(false);
            if (!_lines.Reader.Completion.IsCompleted)
            {
                await Task.Delay(1).ConfigureAwait(false);
            }
        }
    }

    private sealed record QueuedMessage(ReceivedMessage Message, string? EmlPath);
}
