/** `coderm serve`: the reward service RL trainers call over HTTP. */

export { HttpError } from "./_http.js";
export { type AppOptions, createApp, type ServeApp } from "./app.js";
export { type ProgramRunner, type RunCodeResponse, runCode } from "./run-code.js";
export { RunCodeRequest, ScoreRequest } from "./schemas.js";
export { type ScoreResponse, type SolutionScore, score } from "./score.js";
export { type RunningServer, type ServerOptions, startServer } from "./server.js";
