using System.IO.Pipelines;

namespace SmtpFixture.Transport;

/// <summary>The engine's one way to flush: a flush that reports <see cref="FlushResult.IsCanceled"/> is not done.</summary>
internal static class PipeWriterFlush
{
    /// <summary>
    /// Flushes <paramref name="writer"/>; throws <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> cut it short. The engine never calls <see cref="PipeWriter.CancelPendingFlush"/>,
    /// yet a stream's PipeWriter can report a cancelled flush: its flush turns the token's cancellation into its own,
    /// and keeps that when the token fires as the flush is completing; the next flush then returns
    /// <see cref="FlushResult.IsCanceled"/> without writing a byte (the 421 after a shutdown that met the flush of the
    /// previous reply). That flush clears it, so one more flush writes.
    /// </summary>
    public static ValueTask FlushFullyAsync(this PipeWriter writer, CancellationToken cancellationToken)
    {
        var flush = writer.FlushAsync(cancellationToken);
        return flush.IsCompletedSuccessfully && !flush.Result.IsCanceled ? default : FlushAgainIfCanceledAsync(flush, writer, cancellationToken);
    }

    private static async ValueTask FlushAgainIfCanceledAsync(ValueTask<FlushResult> flush, PipeWriter writer, CancellationToken cancellationToken)
    {
        if ((await flush.ConfigureAwait(false)).IsCanceled)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if ((await writer.FlushAsync(cancellationToken).ConfigureAwait(false)).IsCanceled)
            {
                throw new OperationCanceledException("The flush was cancelled twice without its token.", cancellationToken);
            }
        }
    }
}
