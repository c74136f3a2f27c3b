using System.Diagnostics;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpFixture.Benchmarks.Servers;

namespace SmtpFixture.Benchmarks.InProcess;

public sealed record PipelineResult(ServerKind Server, int Messages, double Seconds, double ProcessCpuSeconds, string Transfer)
{
    public double MessagesPerSecond => Messages / Seconds;
}

/// <summary>
/// One MailKit connection sending many messages. MailKit pipelines MAIL FROM and RCPT TO (RFC 2920) when the server
/// advertises PIPELINING, and sends the content with BDAT (RFC 3030) when it advertises CHUNKING: each server is
/// driven the way MailKit drives it. Client and server share this process; the CPU column is the whole process's.
/// </summary>
public static class PipelineBenchmark
{
    /// <summary>Sends <paramref name="messages"/> per server, or as many as <paramref name="timeLimit"/> allows (a server that stalls on every message would otherwise take many minutes).</summary>
    public static async Task<IReadOnlyList<PipelineResult>> RunAsync(int messages, TimeSpan timeLimit, TextWriter log)
    {
        var results = new List<PipelineResult>();
        var message = BuildMessage(2048);
        foreach (var kind in new[] { ServerKind.SmtpFixture, ServerKind.SmtpServer })
        {
            await using var server = await InProcessServer.StartAsync(kind).ConfigureAwait(false);
            using var client = new SmtpClient();
            await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None).ConfigureAwait(false);
            var warmup = Stopwatch.StartNew();
            for (var i = 0; i < Math.Min(500, messages) && warmup.Elapsed < timeLimit / 4; i++)
            {
                await client.SendAsync(message).ConfigureAwait(false);
            }

            server.Reset();
            GC.Collect();
            var transfer = (client.Capabilities & SmtpCapabilities.Chunking) != 0 ? "BDAT" : "DATA";
            var pipelining = (client.Capabilities & SmtpCapabilities.Pipelining) != 0 ? "PIPELINING" : "no PIPELINING";
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var sent = 0;
            while (sent < messages && clock.Elapsed < timeLimit)
            {
                await client.SendAsync(message).ConfigureAwait(false);
                sent++;
            }

            clock.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            await client.DisconnectAsync(true).ConfigureAwait(false);
            if (server.Count != sent)
            {
                throw new InvalidOperationException($"{kind} counted {server.Count} of {sent} messages.");
            }

            var result = new PipelineResult(kind, sent, clock.Elapsed.TotalSeconds, cpu.TotalSeconds, $"{pipelining}, {transfer}");
            results.Add(result);
            log.WriteLine($"  {kind.Label(),-18} {result.MessagesPerSecond,8:0} msg/s  ({result.Transfer}, {sent} messages)");
        }

        return results;
    }

    internal static MimeMessage BuildMessage(int size)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.com"));
        message.To.Add(MailboxAddress.Parse("rcpt@example.com"));
        message.Subject = "pipelined";
        var lines = string.Concat(Enumerable.Repeat(new string('x', 76) + "\r\n", size / 78));
        message.Body = new TextPart("plain") { Text = lines };
        return message;
    }
}
