using System.Globalization;
using Microsoft.Extensions.Logging;
using SmtpFixture.Checks;
using SmtpFixture.Policies;

namespace SmtpFixture.Protocol;

/// <summary>Message content: DATA (RFC 5321 §4.1.1.4), BDAT chunks (RFC 3030), and the end of a message.</summary>
internal sealed class ContentHandler
{
    private readonly SmtpSession _session;
    private readonly SmtpEngine _engine;
    private readonly SmtpTestServerOptions _options;
    private readonly ILogger _log;
    private readonly InputFramer _input;

    // The BDAT command being read: its line, and the reply it gets once its chunk is read when it is refused.
    private string _bdatCommand = string.Empty;
    private bool _bdatLast;
    private SmtpReply? _bdatDiscardReply;
    private string? _bdatDiscardBy;
    private bool _bdatCloseAfter;

    public ContentHandler(SmtpSession session)
    {
        _session = session;
        _engine = session.Engine;
        _options = session.Options;
        _log = session.Logger;
        _input = session.Framer;
    }

    public async ValueTask DataAsync(SmtpCommand command, CancellationToken cancellationToken)
    {
        var stage = command.Stage;
        var transaction = _session.CurrentTransaction!;
        _session.Checks.NoteDataWithBinaryMime(command, transaction);
        var problem = transaction.IsBinaryMime ? Replies.BinaryMimeNeedsBdat
            : transaction.Recipients.Count == 0 ? Replies.NoValidRecipients
            : null;
        if (problem is not null)
        {
            _session.Reply(stage, command.Text, problem);
            return;
        }

        var decision = await _session.Policies.ConsultAsync(stage, command.Text, null, SmtpParameters.Empty, default, cancellationToken).ConfigureAwait(false);
        if (!decision.IsDefault && decision.Verdict.ReplyToSend?.Code != 354)
        {
            await _session.Policies.ApplyAsync(stage, command.Text, decision, Replies.StartMailInput, cancellationToken).ConfigureAwait(false);
            return;
        }

        _session.Reply(stage, command.Text, decision.Verdict.ReplyToSend ?? Replies.StartMailInput, decision.By);
        _input.StartData(_options.MaxMessageSize);
        _session.ArmDataDeadline();
        _session.Mode = SmtpSession.InputMode.Data;
    }

    public async ValueTask EndDataAsync(CancellationToken cancellationToken)
    {
        _session.Mode = SmtpSession.InputMode.Commands;
        if (_log.IsEnabled(LogLevel.Debug))
        {
            Log.ClientContent(_log, _session.Id, _input.Content.Length);
        }

        await CompleteMessageAsync("<end of data>", cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask BdatAsync(SmtpCommand command, CancellationToken cancellationToken)
    {
        var parts = command.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || (parts.Length == 2 && !parts[1].Equals("LAST", StringComparison.OrdinalIgnoreCase)))
        {
            // Without a valid size the chunk cannot be skipped; what follows is read as commands.
            _session.Reply(command.Stage, command.Text, Replies.BdatSyntax);
            return;
        }

        _bdatCommand = command.Text;
        _bdatLast = parts.Length == 2;
        _bdatDiscardReply = CommandDispatcher.SequenceProblem(_session.State, _options, SmtpVerb.Bdat)
            ?? (_session.CurrentTransaction!.Recipients.Count == 0 ? Replies.NoValidRecipients : null);
        _bdatDiscardBy = null;

        if (_bdatDiscardReply is null && !_session.CurrentTransaction!.IsChunking)
        {
            var decision = await _session.Policies.ConsultAsync(command.Stage, command.Text, null, SmtpParameters.Empty, default, cancellationToken).ConfigureAwait(false);
            if (decision.Verdict.Kind == SmtpVerdictKind.Drop)
            {
                await _session.Policies.ApplyAsync(command.Stage, command.Text, decision, Replies.Ok, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (decision.Verdict.ReplyToSend is { IsPositive: false } refusal)
            {
                // The chunk is on its way regardless (RFC 3030 §2): read it, then refuse it.
                _bdatDiscardReply = refusal;
                _bdatDiscardBy = decision.By;
                _bdatCloseAfter = decision.Verdict.CloseAfterReply;
            }
            else
            {
                var transaction = _session.CurrentTransaction!;
                transaction.StartChunking();
                _session.State = transaction.State;
                _input.Content.Start(_options.MaxMessageSize);
                _session.ArmDataDeadline();
            }
        }

        if (_bdatDiscardReply is not null)
        {
            // A refused chunk is still read to its end (RFC 3030 §2), under a data time limit of its own: the
            // deadline of an earlier message (or none) would cut the session off at once.
            _session.ArmDataDeadline();
        }

        _input.StartChunk(size, keep: _bdatDiscardReply is null);
        _session.Mode = SmtpSession.InputMode.Bdat;
        if (size == 0)
        {
            await EndChunkAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask EndChunkAsync(CancellationToken cancellationToken)
    {
        _session.Mode = SmtpSession.InputMode.Commands;
        if (_bdatDiscardReply is not null)
        {
            _session.Reply(SmtpStage.Data, _bdatCommand, _bdatDiscardReply, _bdatDiscardBy);
            if (_bdatCloseAfter)
            {
                _session.State = SessionState.Closed;
            }

            _bdatDiscardReply = null;
            _bdatCloseAfter = false;
            return;
        }

        if (_input.Content.Overflowed)
        {
            // RFC 3030 §3: the server may refuse a chunk as soon as the size is exceeded; the transaction is over.
            RefuseOversized(SmtpStage.EndOfMessage, _bdatCommand);
            return;
        }

        if (_bdatLast)
        {
            if (_log.IsEnabled(LogLevel.Debug))
            {
                Log.ClientContent(_log, _session.Id, _input.Content.Length);
            }

            await CompleteMessageAsync(_bdatCommand, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _session.Reply(SmtpStage.Data, _bdatCommand, Replies.ChunkReceived(_input.Content.Length));
        }
    }

    /// <summary>
    /// The one place where a transaction completes (DATA's final dot or BDAT LAST): size check, policies, capture,
    /// final reply.
    /// </summary>
    private async ValueTask CompleteMessageAsync(string command, CancellationToken cancellationToken)
    {
        var stage = SmtpStage.EndOfMessage;
        if (_input.Content.Overflowed)
        {
            RefuseOversized(stage, command);
            return;
        }

        var data = _input.Content.ToArray();
        var transaction = _session.CurrentTransaction!;
        var envelope = transaction.ToEnvelope();
        var content = _session.Checks.CheckContent(data, transaction);
        if (_session.Checks.RefusedFor(content, command))
        {
            return;
        }

        // Message-layer rules run here only when one may refuse the message; otherwise on first access, after the 250.
        IReadOnlyList<SmtpViolation>? checkedMessage = null;
        MimeKit.MimeMessage? parsed = null;
        if (_engine.Checks.AnyMessageRuleRejects)
        {
            checkedMessage = MessageChecks.Run(data, envelope, _engine.Checks, _session.Id, null, () => parsed ??= TryParseMime(data));
            if (_session.Checks.RefusedFor(checkedMessage, command))
            {
                return;
            }
        }

        var decision = await _session.Policies.ConsultAsync(stage, command, null, SmtpParameters.Empty, data, cancellationToken).ConfigureAwait(false);
        if (!decision.Accepts)
        {
            content?.ForEach(_session.Recorder.NoteViolation);
            await _session.Policies.ApplyAsync(stage, command, decision, Replies.Ok, cancellationToken).ConfigureAwait(false);
            _session.EndTransaction(SmtpAttemptOutcome.Refused);
            return;
        }

        // Stored before the reply is written: nothing answered 250 can be lost.
        var id = SmtpEngine.NewMessageId();
        var reply = decision.Verdict.ReplyToSend ?? Replies.Queued(id);
        content?.ForEach(v => _session.Recorder.NoteViolation(v.ForMessage(id)));
        var message = new ReceivedMessage(id, envelope, data, _session.Client.Info, _engine.Time.GetUtcNow(), transaction.Attempt, _engine.Checks, checkedMessage?.Select(v => v.ForMessage(id)).ToArray(), parsed) { DkimKeys = _options.DkimKeys };
        _session.Recorder.Record(_session.Client.Info, stage, command, reply, decision.By);
        _session.EndTransaction(SmtpAttemptOutcome.Accepted, message);
        _engine.Store.Add(message);
        Log.MessageAccepted(_log, _session.Id, id, envelope, data.Length);
        _session.Write(reply);
        _session.NoteProgress();
        if (decision.Verdict.CloseAfterReply)
        {
            _session.State = SessionState.Closed;
        }
    }

    /// <summary>
    /// Refuses a message whose content outgrew its buffer (which never holds more than the size limit): the size limit
    /// of the options decides, as for a declared SIZE; without one, the largest array the buffer can have was reached.
    /// </summary>
    private void RefuseOversized(SmtpStage stage, string command)
    {
        var limit = _engine.MaxMessageSize;
        _session.Reply(stage, command, limit?.Judge(_input.Content.Length).ReplyToSend ?? SmtpReplies.MessageTooLarge, limit?.Name);
        _session.EndTransaction(SmtpAttemptOutcome.Refused);
    }

    private static MimeKit.MimeMessage? TryParseMime(byte[] data)
    {
        try
        {
            using var stream = new MemoryStream(data, writable: false);
            return MimeKit.MimeMessage.Load(stream);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
