/**
 * Online allocation (beyond the paper): tests are generated and run in rounds; after each round a
 * problem whose coderm-vote choice can no longer change stops and its unused allowance goes back to
 * the pool, which later rounds spend on the problems still undecided.
 *
 * Let K be the chosen set on the k tests seen, s1 its score, r = maxTests − k the tests the problem
 * may still get, and O the other solutions (non-chosen top scorers included) with best score s2.
 * - `leader` (sound): O is non-empty and s1 − s2 > r, or s1 − s2 = r and every cluster of K (solutions
 *   with identical results) is larger than the z solutions of O at s1 − r. Then whatever the remaining
 *   r results, no solution of O can end above a solution of K, and a tie at s1 loses coderm-vote's
 *   consensus tie-break; so the full-budget chosen set is a subset of K. Non-empty O excludes the
 *   vacuous case of every solution agreeing.
 * - `certain` (sound, exact): the `leader` bound (O may be empty) and K cannot split: it is one
 *   solution, or one program (`programs` ids, e.g. identical texts). Then the full-budget chosen set
 *   is exactly K.
 * - `confident`: with probability ≥ `confidence` over the test order, the full-budget chosen set is a
 *   subset of K. The k tests are a uniform sample without replacement from the maxTests the problem
 *   could get, so Hoeffding–Serfling bounds the leader's final mean advantage over each outsider
 *   (increments in [−1, 1]); a union bound covers the |K|·|O| pairs. It also stops when `leader` does.
 * - `none`: never stop early (adaptive priority only).
 * Budget is charged when requested: a test that is requested but not delivered is still spent.
 */
import { CodermError } from "../errors.js";
import { PassMatrix, testMask } from "../matrix/pass-matrix.js";
import { chooseInto, loadRows, Scratch } from "../select/kernel.js";
import { greedyAllocate, marginalGain } from "./allocate.js";
import { IdHeap } from "./heap.js";
import {
  type OnlineOptions,
  type OnlineProblem,
  type OnlineRequest,
  type OnlineStatus,
  type OnlineView,
  observedPassRate,
  PRIORITIES,
  type Priority,
  STOP_RULES,
  type StopReason,
  type StopRule,
} from "./online-types.js";

interface State {
  p: OnlineProblem;
  matrix: PassMatrix;
  k: number;
  pending: number;
  stopped: StopReason | null;
  chosen: number[];
  lambda: number;
  /** Observed tests after which the chosen set changed (tracked for the `instability` priority). */
  changes: number;
}

export class OnlineAllocator {
  private readonly states: State[];
  private readonly byTask = new Map<string, State>();
  private readonly rule: StopRule;
  private readonly delta: number;
  private readonly firstRound: number;
  private readonly growth: number;
  private readonly difficulty: (view: OnlineView) => number;
  private readonly priority: Priority;
  private readonly scratch = new Scratch();
  private spentTests = 0;
  private round = 0;

  constructor(
    problems: ReadonlyArray<OnlineProblem>,
    private readonly options: OnlineOptions,
  ) {
    const { budget } = options;
    if (!Number.isInteger(budget) || budget < 0) {
      throw new CodermError("E_BAD_INPUT", `budget must be a non-negative integer, got ${budget}`, "budget");
    }
    this.rule = options.rule ?? "leader";
    if (!(STOP_RULES as readonly string[]).includes(this.rule)) {
      throw new CodermError("E_BAD_INPUT", `unknown stop rule "${this.rule}"`, "rule");
    }
    const confidence = options.confidence ?? 0.95;
    if (!(confidence > 0 && confidence < 1)) {
      throw new CodermError("E_BAD_INPUT", `confidence must be in (0, 1), got ${confidence}`, "confidence");
    }
    this.delta = 1 - confidence;
    this.firstRound = options.firstRound ?? 1;
    this.growth = options.growth ?? 0.5;
    this.difficulty = options.difficulty ?? observedPassRate;
    this.priority = options.priority ?? "gain";
    if (!(PRIORITIES as readonly string[]).includes(this.priority)) {
      throw new CodermError("E_BAD_INPUT", `unknown priority "${this.priority}"`, "priority");
    }
    this.states = problems.map((p, x) => {
      if (this.byTask.has(p.taskId)) {
        throw new CodermError("E_BAD_INPUT", `duplicate task ${p.taskId}`, `problems[${x}]`);
      }
      if (!Number.isInteger(p.maxTests) || p.maxTests < 0) {
        throw new CodermError("E_BAD_INPUT", `maxTests must be a non-negative integer`, `problems[${x}]`);
      }
      const s: State = {
        p,
        matrix: new PassMatrix(p.solutions, p.maxTests),
        k: 0,
        pending: 0,
        stopped: p.maxTests === 0 ? "cap" : null,
        chosen: Array.from({ length: p.solutions }, (_, i) => i),
        lambda: p.lambda ?? 0.5,
        changes: 0,
      };
      this.byTask.set(p.taskId, s);
      return s;
    });
  }

  get spent(): number {
    return this.spentTests;
  }

  get remaining(): number {
    return this.options.budget - this.spentTests;
  }

  /** True when no further request can be made (pool empty, or every problem stopped or capped). */
  get done(): boolean {
    return this.remaining <= 0 || this.states.every((s) => s.stopped !== null);
  }

  /**
   * The next round of requests; empty when done. Every request must be observed before the next call
   * (a round is a barrier: the stop rules need its results).
   */
  next(): OnlineRequest[] {
    if (this.states.some((s) => s.pending > 0)) {
      throw new CodermError(
        "E_BAD_INPUT",
        "observe every request of the round before asking for more",
        "next",
      );
    }
    if (this.done) return [];
    const active = this.states.filter((s) => s.stopped === null);
    let grant: Int32Array;
    if (this.round === 0) {
      const caps = active.map((s) => Math.min(this.firstRound, s.p.maxTests));
      const want = caps.reduce((a, b) => a + b, 0);
      grant = greedyAllocate(
        active.map((s) => s.lambda),
        Math.min(this.remaining, want),
        { caps },
      );
    } else {
      const chunk = Math.min(
        this.remaining,
        Math.max(active.length, Math.ceil(this.growth * this.spentTests)),
      );
      grant = this.priorityGrant(active, chunk);
    }
    this.round++;
    const out: OnlineRequest[] = [];
    active.forEach((s, a) => {
      const g = grant[a] as number;
      if (g <= 0) return;
      s.pending = g;
      this.spentTests += g;
      out.push({ taskId: s.p.taskId, tests: g });
    });
    return out;
  }

  /** Hand out `chunk` units by marginal gain of λ̂ at each problem's current test count. */
  private priorityGrant(active: State[], chunk: number): Int32Array {
    const n = active.length;
    const given = new Int32Array(n);
    const gain = new Float64Array(n);
    const heap = new IdHeap(n, (a, b) => {
      const ga = gain[a] as number;
      const gb = gain[b] as number;
      if (ga !== gb) return ga > gb;
      const ba = (active[a] as State).k + (given[a] as number);
      const bb = (active[b] as State).k + (given[b] as number);
      return ba !== bb ? ba < bb : a < b;
    });
    for (let a = 0; a < n; a++) {
      const s = active[a] as State;
      gain[a] = this.unitGain(s, s.k);
      if (s.k < s.p.maxTests) heap.push(a);
    }
    for (let u = 0; u < chunk && heap.size > 0; u++) {
      const a = heap.peek();
      const s = active[a] as State;
      given[a] = (given[a] as number) + 1;
      const b = s.k + (given[a] as number);
      if (b >= s.p.maxTests) heap.pop();
      else {
        gain[a] = this.unitGain(s, b);
        heap.updateTop();
      }
    }
    return given;
  }

  private unitGain(s: State, b: number): number {
    return this.priority === "gain" ? marginalGain(s.lambda, b) : (s.changes + 1) / (b + 2);
  }

  /**
   * Results of new tests for `taskId`: one column per test, each holding pass (true/1) per solution.
   * Fewer columns than requested means the rest could not be produced; they stay spent.
   */
  observe(taskId: string, columns: ReadonlyArray<ArrayLike<boolean | number>>): void {
    const s = this.state(taskId);
    if (columns.length > s.pending) {
      throw new CodermError(
        "E_BAD_INPUT",
        `${columns.length} results for ${s.pending} requested tests`,
        taskId,
      );
    }
    const from = s.k;
    columns.forEach((col, c) => {
      if (col.length !== s.p.solutions) {
        throw new CodermError(
          "E_BAD_INPUT",
          `column has ${col.length} results for ${s.p.solutions} solutions`,
          `${taskId}[${c}]`,
        );
      }
      for (let i = 0; i < s.p.solutions; i++) s.matrix.set(i, s.k, Boolean(col[i]));
      s.k++;
    });
    this.settle(s, s.pending - columns.length, from);
  }

  /** Simulation fast path: the requested tests are columns `testIds` of a full matrix. */
  observeFrom(taskId: string, source: PassMatrix, testIds: ArrayLike<number>): void {
    const s = this.state(taskId);
    if (testIds.length > s.pending) {
      throw new CodermError(
        "E_BAD_INPUT",
        `${testIds.length} results for ${s.pending} requested tests`,
        taskId,
      );
    }
    const from = s.k;
    for (let c = 0; c < testIds.length; c++) {
      const j = testIds[c] as number;
      for (let i = 0; i < s.p.solutions; i++) s.matrix.set(i, s.k, i < source.solutions && source.get(i, j));
      s.k++;
    }
    this.settle(s, s.pending - testIds.length, from);
  }

  status(taskId: string): OnlineStatus {
    const s = this.state(taskId);
    return { taskId, tests: s.k, pending: s.pending, stopped: s.stopped, chosen: [...s.chosen] };
  }

  statuses(): OnlineStatus[] {
    return this.states.map((s) => this.status(s.p.taskId));
  }

  private state(taskId: string): State {
    const s = this.byTask.get(taskId);
    if (!s) throw new CodermError("E_BAD_INPUT", "unknown task", taskId);
    return s;
  }

  /** After a problem's round: vote, update λ̂, apply the stop rule. `lost` requested tests never came. */
  private settle(s: State, lost: number, from: number): void {
    s.pending = 0;
    // Undelivered tests shrink what this problem can still get: they were its allowance.
    const cap = Math.max(s.k, s.p.maxTests - lost);
    if (cap < s.p.maxTests) s.p = { ...s.p, maxTests: cap };
    const n = s.p.solutions;
    const mask = testMask(s.matrix.tests, range(s.k));
    s.lambda = Math.min(
      1,
      Math.max(0, this.difficulty({ taskId: s.p.taskId, matrix: s.matrix, tests: s.k, mask })),
    );
    const sc = this.scratch;
    if (this.priority === "instability") {
      // Replay the new tests one at a time to count the ones that changed the chosen set.
      let prev = s.chosen;
      for (let t = from + 1; t <= s.k; t++) {
        loadRows(s.matrix, range(n), n, testMask(s.matrix.tests, range(t)), sc);
        const kept = chooseInto("coderm-vote", n, sc);
        const now = Array.from(sc.chosen.subarray(0, kept));
        if (now.length !== prev.length || now.some((v, i) => v !== prev[i])) s.changes++;
        prev = now;
      }
    }
    loadRows(s.matrix, range(n), n, mask, sc);
    const kept = chooseInto("coderm-vote", n, sc);
    const inK = new Uint8Array(n);
    s.chosen = [];
    let minCluster = Number.POSITIVE_INFINITY;
    for (let c = 0; c < kept; c++) {
      const p = sc.chosen[c] as number;
      inK[p] = 1;
      s.chosen.push(p);
      minCluster = Math.min(minCluster, sc.group[p] as number);
    }
    const r = s.p.maxTests - s.k;
    if (r <= 0) {
      s.stopped = "cap";
      return;
    }
    if (kept === 0) return;
    const s1 = sc.counts[s.chosen[0] as number] as number;
    let outsiders = 0;
    let s2 = Number.NEGATIVE_INFINITY;
    let z = 0;
    for (let p = 0; p < n; p++) {
      if (inK[p]) continue;
      outsiders++;
      const c = sc.counts[p] as number;
      if (c > s2) s2 = c;
      if (c === s1 - r) z++;
    }
    const margin = s1 - s2; // +∞ without outsiders
    const bound = margin > r || (margin === r && minCluster > z);
    if (this.rule === "none") return;
    if (this.rule === "certain") {
      if (bound && this.oneProgram(s)) s.stopped = "certain";
      return;
    }
    if (outsiders === 0) return;
    if (bound) {
      s.stopped = "leader";
      return;
    }
    if (this.rule === "confident") {
      const k = s.k;
      const fpc = 1 - (k - 1) / s.p.maxTests;
      const t = Math.sqrt((2 * fpc * Math.log((kept * outsiders) / this.delta)) / k);
      if (margin / k - t > 0) s.stopped = "confident";
    }
  }

  private oneProgram(s: State): boolean {
    if (s.chosen.length === 1) return true;
    const prog = s.p.programs;
    if (!prog) return false;
    const first = prog[s.chosen[0] as number];
    return s.chosen.every((i) => prog[i] === first);
  }
}

const ranges: Int32Array[] = [];
/** 0..n-1 (cached: settle runs once per problem per round). */
function range(n: number): Int32Array {
  let r = ranges[n];
  if (!r) {
    r = Int32Array.from({ length: n }, (_, i) => i);
    ranges[n] = r;
  }
  return r;
}
