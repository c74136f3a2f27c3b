using System.Buffers;
using System.Net.Sockets;
using SmtpFixture.Transport;

namespace SmtpFixture.Tests.Server;

/// <summary>The socket transport on its own.</summary>
public sealed class SocketTransportTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AcceptedSocketsUseNoDelay()
    {
        using var pair = LoopbackSocketPair.Open();
        await using var transport = new SocketTransport(pair.Server);
        Assert.True(pair.Server.NoDelay);
    }

    [Fact]
    public async Task DisposingClosesTheSocketEvenWhenTheLastFlushFails()
    {
        using var pair = LoopbackSocketPair.Open();
        var transport = new SocketTransport(pair.Server);
        pair.Server.Shutdown(SocketShutdown.Send);
        transport.Output.Write("221 2.0.0 bye\r\n"u8);

        await transport.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => pair.Server.Available);
    }

    [Fact]
    public async Task DisposingWithBytesLeftInTheWriterCutsTheConnectionInsteadOfFlushingThemToAClientThatDoesNotRead()
    {
        // Bytes left in the writer are the rest of a flush its token cut short; completing the writer used to flush
        // them with no bound, so a client that stopped reading held the session until the listener's shutdown timeout.
        using var pair = LoopbackSocketPair.Open();
        var transport = new SocketTransport(pair.Server);
        transport.Output.Write(new byte[16 * 1024 * 1024]);

        await transport.DisposeAsync().AsTask().WaitAsync(Bound);

        Assert.Equal(0, pair.Client.Available);
    }

    [Fact]
    public async Task TheClosingReplyReachesAClientWhosePipelinedCommandsTheServerNeverRead()
    {
        // The client reads nothing until it has sent everything, through a small window: the replies, 221 last, are
        // still in the server's send queue when the session ends. Closing a socket with unread input makes the kernel
        // send RST and throw that queue away; the server must half-close and drain the input instead.
        await using var server = await SmtpTestServer.StartAsync();
        using var client = await RawSmtpClient.ConnectAsync(server, receiveBufferSize: 4096);
        await client.ReadReplyAsync();
        await client.SendAsync(string.Concat(Enumerable.Repeat("NOOP\r\n", 4_000)) + "QUIT\r\n" + string.Concat(Enumerable.Repeat("NOOP\r\n", 4_000)));
        var replies = await client.ReadToEndAsync();
        Assert.EndsWith("221 2.0.0 localhost closing connection\r\n", replies, StringComparison.Ordinal);
    }
}
