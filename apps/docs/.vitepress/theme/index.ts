import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import ArchitectureDiagram from './components/ArchitectureDiagram.vue';
import BackpropDemo from './components/BackpropDemo.vue';
import DesignNetwork from './components/DesignNetwork.vue';
import DrawDigit from './components/DrawDigit.vue';
import ModelZoo from './components/ModelZoo.vue';
import NetworkDiagram from './components/NetworkDiagram.vue';
import TrainDemo from './components/TrainDemo.vue';
import TrainingSpeedChart from './components/TrainingSpeedChart.vue';
import './custom.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('ArchitectureDiagram', ArchitectureDiagram);
    app.component('BackpropDemo', BackpropDemo);
    app.component('DesignNetwork', DesignNetwork);
    app.component('DrawDigit', DrawDigit);
    app.component('NetworkDiagram', NetworkDiagram);
    app.component('TrainDemo', TrainDemo);
    app.component('ModelZoo', ModelZoo);
    app.component('TrainingSpeedChart', TrainingSpeedChart);
  },
} satisfies Theme;
