using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SmtpFixture.Checks;

namespace SmtpFixture.Protocol;

/// <summary>
/// Decodes DATA content (RFC 5321 §4.5.2): removes the leading dot of dot-stuffed lines and finds the end of data.
/// Only <c>CRLF . CRLF</c> ends data: a bare LF or CR never starts a line, so <c>LF.LF</c>, <c>CR.CR</c>,
/// <c>LF.CRLF</c> and <c>CRLF.LF</c> stay inside the message (the SMTP smuggling class, CVE-2023-51764/5/6).
/// The state survives across calls, so the terminator is found across any buffer boundary.
/// In the same pass it notes what the byte-level checks need (RFC 5321 §2.3.8 bare line endings, §4.5.3.1.6 line
/// length, RFC 6152 8-bit octets) as the offset of the first occurrence in the decoded content: the vectorised path
/// gets them from the masks it computes anyway, so content that breaks no rule costs one more mask per block.
/// </summary>
internal sealed class DotUnstuffer
{
    private readonly bool _vectorized;
    private State _state = State.LineStart;

    /// <param name="vectorized">Whether plain runs of lines are copied in bulk (the default); false gives the byte-wise decoder, which tests compare against.</param>
    public DotUnstuffer(bool vectorized = true) => _vectorized = vectorized && Vector128.IsHardwareAccelerated;

    private enum State
    {
        LineStart,
        InLine,
        AfterCr,
        AfterLineStartDot,
        AfterLineStartDotCr,
    }

    /// <summary>The longest line allowed, in octets with its CRLF and without a stuffed dot (RFC 5321 §4.5.3.1.6).</summary>
    public const int MaxLineLength = 1000;

    // The decoded offset where the current line starts.
    private long _lineStart;

    /// <summary>Whether a bare LF (not preceded by CR) was seen.</summary>
    public bool SawBareLf { get; private set; }

    /// <summary>Whether a bare CR (not followed by LF) was seen.</summary>
    public bool SawBareCr { get; private set; }

    /// <summary>The decoded offsets of the first bare CR or LF, of the start of the first line longer than <see cref="MaxLineLength"/>, and of the first octet of 0x80 or above.</summary>
    public ContentFindings Findings => _findings;

    private ContentFindings _findings = new();

    public void Reset()
    {
        _state = State.LineStart;
        SawBareLf = false;
        SawBareCr = false;
        _findings = new();
        _lineStart = 0;
    }

    /// <summary>Decodes <paramref name="input"/> into <paramref name="output"/>.</summary>
    /// <returns>The number of bytes consumed; when <paramref name="done"/> is true, the terminator was the last of them.</returns>
    public int Decode(ReadOnlySpan<byte> input, MessageBuffer output, out bool done)
    {
        var i = 0;
        while (i < input.Length)
        {
            switch (_state)
            {
                case State.InLine:
                    if (_vectorized)
                    {
                        var plain = PlainRunLength(input[i..], output.Length);
                        if (plain > 0)
                        {
                            output.Append(input.Slice(i, plain));
                            i += plain;
                            if (i == input.Length)
                            {
                                break;
                            }
                        }
                    }

                    var rest = input[i..];
                    var k = rest.IndexOfAny((byte)'\r', (byte)'\n');
                    if (k < 0)
                    {
                        Append(rest, output);
                        i = input.Length;
                        break;
                    }

                    Append(rest[..k], output);
                    i += k + 1;
                    if (rest[k] == '\n')
                    {
                        SawBareLf = true;
                        NoteBareLineEnding(output.Length, lf: true);
                        output.Append((byte)'\n');
                        EndLine(output.Length);
                    }
                    else
                    {
                        _state = State.AfterCr;
                    }

                    break;

                case State.AfterCr:
                    if (input[i] == '\n')
                    {
                        output.Append("\r\n"u8);
                        EndLine(output.Length);
                        i++;
                        _state = State.LineStart;
                    }
                    else
                    {
                        SawBareCr = true;
                        NoteBareLineEnding(output.Length);
                        output.Append((byte)'\r');
                        _state = State.InLine;
                    }

                    break;

                case State.LineStart:
                    if (input[i] == '.')
                    {
                        i++;
                        _state = State.AfterLineStartDot;
                    }
                    else
                    {
                        _state = State.InLine;
                    }

                    break;

                case State.AfterLineStartDot:
                    if (input[i] == '\r')
                    {
                        i++;
                        _state = State.AfterLineStartDotCr;
                    }
                    else
                    {
                        // A stuffed dot: drop it and keep the rest of the line as is.
                        _state = State.InLine;
                    }

                    break;

                case State.AfterLineStartDotCr:
                    if (input[i] == '\n')
                    {
                        _state = State.LineStart;
                        done = true;
                        return i + 1;
                    }

                    // ".<CR>x": the dot was stuffing, the CR is bare.
                    SawBareCr = true;
                    NoteBareLineEnding(output.Length);
                    output.Append((byte)'\r');
                    _state = State.InLine;
                    break;
            }
        }

        done = false;
        return i;
    }

    /// <summary>
    /// The length of the longest prefix of whole 16- or 32-byte blocks that the byte-wise decoder would copy unchanged
    /// while in <see cref="State.InLine"/>: only CRLF line endings, no line starting with a dot, and a block that does
    /// not end inside a line ending. Message content is almost entirely such runs, so the decoder costs one vector
    /// compare per block instead of a state change per line; everything else is left to the byte-wise states.
    /// Such a run is copied as it is, so <paramref name="at"/> (the decoded offset of its first byte) plus the index in
    /// the run is where each byte lands: the checks note offsets from the masks without looking at the bytes again.
    /// </summary>
    private int PlainRunLength(ReadOnlySpan<byte> input, long at)
    {
        ref var start = ref MemoryMarshal.GetReference(input);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            while (i + 32 <= input.Length)
            {
                var block = Vector256.LoadUnsafe(ref start, (nuint)i);
                var cr = Vector256.Equals(block, Vector256.Create((byte)'\r')).ExtractMostSignificantBits();
                var lf = Vector256.Equals(block, Vector256.Create((byte)'\n')).ExtractMostSignificantBits();
                var dot = Vector256.Equals(block, Vector256.Create((byte)'.')).ExtractMostSignificantBits();
                if (!IsPlain(cr, lf, dot, 31))
                {
                    break;
                }

                NoteBlock(at + i, lf, block.ExtractMostSignificantBits());
                i += 32;
            }
        }

        while (i + 16 <= input.Length)
        {
            var block = Vector128.LoadUnsafe(ref start, (nuint)i);
            var cr = Vector128.Equals(block, Vector128.Create((byte)'\r')).ExtractMostSignificantBits();
            var lf = Vector128.Equals(block, Vector128.Create((byte)'\n')).ExtractMostSignificantBits();
            var dot = Vector128.Equals(block, Vector128.Create((byte)'.')).ExtractMostSignificantBits();
            if (!IsPlain(cr, lf, dot, 15))
            {
                break;
            }

            NoteBlock(at + i, lf, block.ExtractMostSignificantBits());
            i += 16;
        }

        return i;
    }

    /// <summary>
    /// Notes what a plain block (see <see cref="IsPlain"/>) tells the checks: in one, every LF ends a CRLF, so the first
    /// LF ends the line that was open and the last one starts a new line; lines wholly inside a block are short.
    /// </summary>
    private void NoteBlock(long at, uint lf, uint high)
    {
        if (high != 0 && _findings.EightBitAt < 0)
        {
            _findings.EightBitAt = at + BitOperations.TrailingZeroCount(high);
        }

        if (lf != 0)
        {
            EndLine(at + BitOperations.TrailingZeroCount(lf) + 1);
            _lineStart = at + BitOperations.Log2(lf) + 1;
        }
    }

    /// <summary>Copies line content that holds no CR or LF, noting the first 8-bit octet.</summary>
    private void Append(ReadOnlySpan<byte> bytes, MessageBuffer output)
    {
        if (_findings.EightBitAt < 0)
        {
            var high = bytes.IndexOfAnyInRange((byte)0x80, (byte)0xFF);
            if (high >= 0)
            {
                _findings.EightBitAt = output.Length + high;
            }
        }

        output.Append(bytes);
    }

    /// <summary>A line ended at <paramref name="end"/> (the decoded offset after its LF): notes it if it was too long.</summary>
    private void EndLine(long end)
    {
        if (end - _lineStart > MaxLineLength && _findings.LongLineAt < 0)
        {
            _findings.LongLineAt = _lineStart;
        }

        _lineStart = end;
    }

    private void NoteBareLineEnding(long at, bool lf = false)
    {
        if (_findings.BareLineEndingAt < 0)
        {
            _findings.BareLineEndingAt = at;
            _findings.BareLf = lf;
        }
    }

    /// <summary>
    /// Whether a block entered mid-line (the byte before it is neither CR nor a line-ending LF) decodes to itself and
    /// leaves the decoder mid-line: every LF is preceded by CR, every CR is followed by LF, no dot follows a CRLF, and
    /// the last byte neither is a CR nor ends a CRLF.
    /// </summary>
    private static bool IsPlain(uint cr, uint lf, uint dot, int last)
    {
        var lineEnds = lf & (cr << 1);
        var bareLf = lf & ~lineEnds;
        var bareCr = cr & ~(lf >> 1);
        var stuffed = dot & (lineEnds << 1);
        return (bareLf | bareCr | stuffed | ((cr | lineEnds) >> last)) == 0;
    }
}
