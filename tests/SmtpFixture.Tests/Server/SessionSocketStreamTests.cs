using System.Net.Sockets;
using System.Text;
using SmtpFixture.Transport;

namespace SmtpFixture.Tests.Server;

/// <summary>
/// A cancelled write on a session's own thread cuts the connection only if the send is still stuck after a grace: the
/// client stopped reading. A send that completes keeps the connection whole, so the session's 421 still reaches a
/// client that has just read the reply (cutting at once lost it, now and then, when the cancellation met a send that
/// had completed but not yet left its registration).
/// </summary>
public sealed class SessionSocketStreamTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly byte[] Payload = Enumerable.Repeat((byte)'x', 4 * 1024 * 1024).ToArray();
    private static readonly byte[] Goodbye = "421 4.3.2 Service shutting down\r\n"u8.ToArray();

    [Fact]
    public async Task AWriteThatCompletesAfterItsTokenIsCancelledKeepsTheConnection()
    {
        using var pair = LoopbackSocketPair.Open();
        var stream = new SessionSocketStream(pair.Server, cutOffGrace: TimeSpan.FromHours(1));
        using var cancel = new CancellationTokenSource();
        var written = OnSessionThread(async () =>
        {
            await stream.WriteAsync(Payload, cancel.Token);
            await stream.WriteAsync(Goodbye, CancellationToken.None);
            pair.Server.Shutdown(SocketShutdown.Send);
        });

        // 4 MiB cannot fit in the buffers of either side: the send is in the kernel until the client reads on.
        var first = new byte[1];
        Assert.Equal(1, await pair.Client.ReceiveAsync(first));
        await cancel.CancelAsync();

        var rest = await ReadToEndAsync(pair.Client);
        await written.WaitAsync(Bound);
        Assert.Equal(Payload.Length - 1 + Goodbye.Length, rest.Length);
        Assert.Equal(Encoding.ASCII.GetString(Goodbye), Encoding.ASCII.GetString(rest, rest.Length - Goodbye.Length, Goodbye.Length));
    }

    [Fact]
    public async Task AWriteStillStuckAfterTheGraceIsCutOff()
    {
        using var pair = LoopbackSocketPair.Open();
        var stream = new SessionSocketStream(pair.Server, cutOffGrace: TimeSpan.FromMilliseconds(10));
        using var cancel = new CancellationTokenSource();
        var written = OnSessionThread(async () => await stream.WriteAsync(Payload, cancel.Token));

        var first = new byte[1];
        Assert.Equal(1, await pair.Client.ReceiveAsync(first));
        await cancel.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => written.WaitAsync(Bound));
    }

    private static Task OnSessionThread(Func<Task> body)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                SessionSocketStream.RunOnSessionThread(body);
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        { IsBackground = true };
        thread.Start();
        return done.Task;
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            all.Write(buffer, 0, read);
        }

        return all.ToArray();
    }
}
