using Testbed.Specs.Support;

namespace Testbed.Specs.Connections;

/// <summary>
/// Seeded random sequences of writes, loop turns and uv_write completions against a model of the budget
/// rule. After every step: an immediate write is complete exactly when it fits (<c>end - flushed &lt;= budget</c>)
/// and no earlier immediate write is still waiting; completions come in FIFO order; at most three uv_writes
/// are in flight. At the end every task is complete, the wire holds every byte in order, and the pool is empty.
/// </summary>
public sealed class SocketOutputPropertySpec
{
    private const int Sequences = 200;
    private const int Steps = 60;

    [Fact]
    public void Random_sequences_keep_the_budget_the_order_and_every_byte()
    {
        for (var seed = 0; seed < Sequences; seed++)
        {
            new RandomRun(seed).Run();
        }
    }

    private sealed class RandomRun
    {
        private static readonly long?[] Budgets = [0, 1, 4096, 10_000, 64 * 1024, null];

        private readonly int _seed;
        private readonly Random _random;
        private readonly long? _budget;
        private readonly SocketOutputHarness _h;
        private readonly List<(long End, Task Task)> _immediate = [];
        private readonly List<int> _completionOrder = [];
        private long _accepted;
        private int _step;

        public RandomRun(int seed)
        {
            _seed = seed;
            _random = new Random(seed);
            _budget = Budgets[_random.Next(Budgets.Length)];
            _h = new SocketOutputHarness(_budget);
        }

        /// <summary>Bytes the socket has taken: the sum of the uv_writes that completed successfully.</summary>
        private long Flushed => _h.Uv.Submitted.Where(w => w.Status == 0).Sum(w => (long)w.Bytes.Length);

        public void Run()
        {
            using (_h)
            {
                for (_step = 0; _step < Steps; _step++)
                {
                    Act();
                    _h.Scheduler.RunAll();
                    CheckInvariants();
                }

                Drain();
            }
        }

        private void Act()
        {
            var choice = _random.Next(10);
            if (choice < 5)
            {
                Write(NextSize(), immediate: _random.Next(4) != 0);
            }
            else if (choice < 7)
            {
                // One loop turn: posted submits run, so pending bytes go to the socket.
                _h.Uv.RunUntilIdle();
            }
            else if (_h.Uv.WritesInFlight > 0)
            {
                _h.Uv.CompleteNextWrite(0);
            }
        }

        private int NextSize() => _random.Next(3) switch
        {
            0 => _random.Next(0, 16),
            1 => _random.Next(16, 5000),
            _ => _random.Next(5000, 40_000),
        };

        private void Write(int size, bool immediate)
        {
            var end = _accepted + size;
            var mustComplete = !immediate || (!AnyWaiting() && Fits(end));
            var task = _h.Write(size, immediate);
            _accepted = end;
            Check(task.IsCompleted == mustComplete, $"write of {size} (immediate: {immediate}) completed: {task.IsCompleted}");
            if (immediate)
            {
                var index = _immediate.Count;
                _immediate.Add((end, task));
                task.ContinueWith(_ => _completionOrder.Add(index), TaskContinuationOptions.ExecuteSynchronously);
            }
        }

        private bool Fits(long end) => _budget is not { } budget || end - Flushed <= budget;

        private bool AnyWaiting() => _immediate.Any(w => !w.Task.IsCompleted);

        private void CheckInvariants()
        {
            Check(_h.Log.Errors.Count == 0, string.Join("; ", _h.Log.Errors));
            Check(_h.Uv.WritesInFlight <= 3, $"{_h.Uv.WritesInFlight} uv_writes in flight");
            Check(_h.Output.UnflushedBytes == _accepted - Flushed, $"unflushed {_h.Output.UnflushedBytes}, model {_accepted - Flushed}");
            CheckCompletions();
        }

        /// <summary>Completed immediate writes are a prefix, in order, that fits; the first waiter does not fit.</summary>
        private void CheckCompletions()
        {
            var completed = _immediate.TakeWhile(w => w.Task.IsCompleted).Count();
            Check(_immediate.Skip(completed).All(w => !w.Task.IsCompleted), "a waiter completed before an earlier one");
            Check(_completionOrder.SequenceEqual(Enumerable.Range(0, completed)), $"completion order {string.Join(",", _completionOrder)}");
            Check(_immediate.Take(completed).All(w => w.Task.IsCompletedSuccessfully), "a write task faulted");
            Check(_immediate.Take(completed).All(w => Fits(w.End)), "a completed write does not fit the budget");
            if (completed < _immediate.Count)
            {
                Check(!Fits(_immediate[completed].End), $"the first waiter (end {_immediate[completed].End}) fits but still waits");
            }
        }

        /// <summary>A final flush, then every uv_write completes: nothing may be left waiting, unsent or rented.</summary>
        private void Drain()
        {
            Write(0, immediate: true);
            _h.Settle();
            while (_h.Uv.WritesInFlight > 0)
            {
                _h.Complete();
                CheckInvariants();
            }

            Check(_immediate.All(w => w.Task.IsCompletedSuccessfully), "a write never completed");
            Check(_h.Uv.Wire.AsSpan().SequenceEqual(_h.Written), "the wire differs from what was written");
            Check(_h.Output.UnflushedBytes == 0, $"{_h.Output.UnflushedBytes} bytes never flushed");
            Check(_h.Pool.RentedBlocks == 0, $"{_h.Pool.RentedBlocks} pool blocks still rented");
        }

        private void Check(bool condition, string message)
        {
            if (!condition)
            {
                Assert.Fail($"seed {_seed}, budget {_budget?.ToString() ?? "unlimited"}, step {_step}: {message}");
            }
        }
    }
}
