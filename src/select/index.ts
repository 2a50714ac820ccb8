export { chooseInto, groupSizes, loadRows, Scratch } from "./kernel.js";
export { argmax, codermVote, codet, codetProduct, passRate, select } from "./strategies.js";
export { isStrategyName, type Ranking, type SelectOptions, STRATEGIES, type StrategyName } from "./types.js";
